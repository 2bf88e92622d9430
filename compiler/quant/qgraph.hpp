// The quantized graph: what the quantizer produces and every later stage (placement, codegen,
// the integer reference, the runtime) consumes. Tensors are int8 NHWC with one (scale, zero
// point) each; ops are the few the accelerator network path knows, each carrying its integer
// parameters so that running it needs no float arithmetic. docs/networks.md states the
// integer semantics of every op.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/conv.hpp"
#include "compiler/ir/tensor.hpp"

namespace systole::quant {

// real = (q - zero_point) * scale
struct QParams {
  double scale = 1.0;
  int32_t zero_point = 0;
  bool operator==(const QParams& o) const { return scale == o.scale && zero_point == o.zero_point; }
};

// An int8 activation tensor in NHWC. `logical` is the ONNX shape (rank 2: [N, C]; rank 3:
// [N, C, L] as H = 1; rank 4: [N, C, H, W]); its data order is NHWC whatever the rank.
struct QTensor {
  std::string name;
  ir::Shape logical;
  int64_t n = 1, h = 1, w = 1, c = 1;
  QParams q;
  bool from_uint8 = false;  // the ONNX model declared it uint8 (data at its interface is x + 128)
  int64_t numel() const { return n * h * w * c; }
};

// Sets n, h, w, c from a logical ONNX shape; throws systole::Error naming `what` for ranks
// other than 2, 3 and 4.
void set_dims(QTensor& t, const ir::Shape& logical, const std::string& what);

enum class QOpKind { Conv, Add, MaxPool, AvgPool, Concat, Reshape, Clamp };
const char* qop_kind_name(QOpKind k);

// Output path of an elementwise rescale: y = scale_round(x - zp_in, mult, shift).
struct Rescale {
  int32_t mult = 1 << 30;
  uint32_t shift = 30;  // identity by default (2^30 / 2^30)
  bool identity() const { return mult == (1 << 30) && shift == 30; }
};
Rescale make_rescale(double ratio);  // ratio = s_in / s_out, via arch/scale.hpp quantize_scale

struct PoolParams {
  uint32_t kh = 1, kw = 1, stride_h = 1, stride_w = 1;
  uint32_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;
  bool global = false;
};

struct QOp {
  std::string name;    // the IR node it came from (errors and reports name it)
  std::string src_op;  // its ONNX op ("Conv", "Gemm", "QLinearConv", ...)
  QOpKind kind = QOpKind::Conv;
  std::vector<int> inputs;  // tensor indices
  int output = -1;

  // Conv (also Gemm / MatMul as 1x1 over N images of 1x1 pixels): geometry, OHWI weights,
  // int32 bias (scale s_in * s_w[o]), per-channel mult/shift, zero points and clamp. The
  // channel-slice fields of the ConvShape stay 0 here; the network planner sets them.
  compiler::ConvLayer conv;
  // Asymmetric weights: per-output-channel weight zero points (empty: symmetric, the
  // accelerator's form). When set, conv.weights holds the raw int8 weights and the op computes
  // sum((x - zp_x) * (w - zp_w[o])) in int32 on the CPU (conv_wzp_i8), same output path.
  std::vector<int32_t> weight_zero_point;

  // Clamp (a standalone Relu / Clip / ReLU6): y = clamp(zp_y + R(x - zp_x), lo, hi) with
  // R = rescale[0] (identity when the scales agree: then y = clamp(x, lo, hi)).
  // Add: y = clamp(zp_out + scale_round(a - zp_a, Ma) + scale_round(b - zp_b, Mb), lo, hi).
  // Concat: input i is rescaled by rescale[i] (identity when the scales agree).
  std::vector<Rescale> rescale;
  int32_t clamp_lo = -128, clamp_hi = 127;

  // MaxPool / AvgPool. AvgPool: y = zp_out + round_half_even(sum(x - zp_in) * s_in /
  // (s_out * count)), one rounding; avg_rescale[count] is that factor per window count.
  PoolParams pool;
  std::vector<Rescale> avg_rescale;
};

struct QGraph {
  std::string name;
  std::vector<QTensor> tensors;
  std::vector<QOp> ops;      // topological order
  std::vector<int> inputs;   // tensor indices (quantized by the host from float data,
  std::vector<int> outputs;  // or given as int8 for quantized models)
  bool float_input = true;   // the model's inputs are float (quantized by quantize_input)

  int add_tensor(QTensor t);
  int find(const std::string& name) const;  // -1 when absent
  std::string dump() const;
};

// Host-side interface conversions. quantize_input takes the model's float input in its ONNX
// (NCHW) layout and returns int8 NHWC: q = clamp(round_half_even(x / s) + zp).
std::vector<int8_t> quantize_input(const QTensor& t, const float* nchw, size_t count);
std::vector<float> dequantize_output(const QTensor& t, const int8_t* nhwc);  // in ONNX layout
// Layout conversions between ONNX (NCHW-order) data and NHWC.
std::vector<int8_t> to_nhwc(const QTensor& t, const int8_t* logical);
std::vector<int8_t> to_logical(const QTensor& t, const int8_t* nhwc);

}  // namespace systole::quant
