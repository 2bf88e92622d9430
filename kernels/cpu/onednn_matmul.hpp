// oneDNN 2.6 int8 matmul: the expert baseline the own GEMM is benchmarked against.
// C[M][N] = sum_k (A[m][k] - zp) * B[k][n] with s8 weights and s32 accumulation. Weights are
// reordered once into oneDNN's preferred blocked layout (format_tag::any), as our pack_b does.
// Destination: s32 (no requantization: our requant epilogue is extra work on our side), or,
// for reference, s8 with oneDNN's own float per-channel output scales and a dst zero point
// (its float rounding is not bit-exact with systole::requantize).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace systole::cpu::onednn {

bool available();           // false when built without libdnnl
std::string version();      // "2.6.3"

enum class Src { kU8, kS8WithZeroPoint };  // u8 without zero point is oneDNN's fastest path
enum class Dst { kS32, kS8Scaled };

struct MatmulConfig {
  int M = 0, N = 0, K = 0;
  Src src = Src::kU8;
  Dst dst = Dst::kS32;
  int threads = 1;
};

class Int8Matmul {
 public:
  // B: K x N row-major s8, reordered at construction. scales (N floats) only for kS8Scaled.
  Int8Matmul(const MatmulConfig& cfg, const int8_t* B, const float* scales = nullptr);
  ~Int8Matmul();
  Int8Matmul(const Int8Matmul&) = delete;
  Int8Matmul& operator=(const Int8Matmul&) = delete;

  // A: M x K row-major (u8 bytes for kU8, s8 for kS8WithZeroPoint); C: M x N, int32_t for kS32
  // or int8_t for kS8Scaled. a_zero_point and c_zero_point apply only where the mode has them.
  void run(const void* A, void* C, int32_t a_zero_point = 0, int32_t c_zero_point = 0);
  std::string implementation() const;  // oneDNN's implementation name, e.g. "brg:avx512_core_vnni"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace systole::cpu::onednn
