// oneDNN 2.6 int8 convolution: the expert CPU baseline of the roofline's per-layer points,
// as onednn_matmul.hpp is for the GEMM benchmark. u8 NHWC source without zero point (oneDNN's
// fastest int8 path), s8 weights reordered once into oneDNN's preferred layout (outside the
// timed region), s32 NHWC destination, no requantization: it does less work than the own
// kernels (zero point, requantization to int8), so the comparison is conservative for them.
// Built only with libdnnl (SYSTOLE_HAVE_ONEDNN).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/cpu/conv_i8.hpp"

namespace systole::roofline {

class OnednnConv {
 public:
  // w: OHWI [O][KH][KW][C/groups] s8. Throws systole::Error when oneDNN rejects the shape.
  OnednnConv(const cpu::ConvShape& s, const int8_t* w, int threads = 1);
  ~OnednnConv();
  OnednnConv(const OnednnConv&) = delete;
  OnednnConv& operator=(const OnednnConv&) = delete;
  // x: NHWC u8 bytes; y: NHWC int32.
  void run(const uint8_t* x, int32_t* y);
  std::string implementation() const;  // e.g. "brg:avx512_core_vnni", "jit_int8:avx512_core_vnni"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace systole::roofline
