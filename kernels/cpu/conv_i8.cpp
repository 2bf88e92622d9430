// Convolution entry point (see conv_i8.hpp): shape validation and algorithm dispatch.
#include "kernels/cpu/conv_i8.hpp"

#include <stdexcept>
#include <string>

namespace systole::cpu {

const char* conv_algo_name(ConvAlgo a) {
  switch (a) {
    case ConvAlgo::kDirect: return "direct";
    case ConvAlgo::kIm2col: return "im2col";
    case ConvAlgo::kKn2row: return "kn2row";
  }
  return "?";
}

void validate(const ConvShape& s, int32_t x_zero_point) {
  auto fail = [](const std::string& m) { throw std::invalid_argument("conv2d_i8: " + m); };
  if (s.n < 1 || s.h < 1 || s.w < 1 || s.c < 1 || s.o < 1 || s.kh < 1 || s.kw < 1) fail("sizes must be >= 1");
  if (s.stride_h < 1 || s.stride_w < 1 || s.dil_h < 1 || s.dil_w < 1) fail("stride and dilation must be >= 1");
  if (s.pad_t < 0 || s.pad_l < 0 || s.pad_b < 0 || s.pad_r < 0) fail("padding must be >= 0");
  if (s.groups < 1 || s.c % s.groups || s.o % s.groups) fail("groups must divide input and output channels");
  if (s.out_h() < 1 || s.out_w() < 1) fail("the dilated kernel does not fit the padded input");
  if (x_zero_point < -128 || x_zero_point > 127) fail("input zero point must be an int8 value");
}

void conv2d_i8(const ConvArgs& a, ConvAlgo algo) {
  validate(a.s, a.x_zero_point);
  switch (algo) {
    case ConvAlgo::kDirect: return detail::conv2d_i8_direct(a);
    case ConvAlgo::kIm2col: return detail::conv2d_i8_im2col(a);
    case ConvAlgo::kKn2row: return detail::conv2d_i8_kn2row(a);
  }
}

}  // namespace systole::cpu
