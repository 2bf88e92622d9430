// Data-movement kernels: Reshape/Flatten/Squeeze/Unsqueeze/Identity (same bytes, new shape),
// Concat, Transpose, Gather, Shape, Cast.
#include <cstring>

#include "compiler/ir/exec/kernels.hpp"

namespace systole::ir::exec {

void copy_reshape(KernelArgs& a) {
  Tensor& y = a.output(0);
  const Tensor& x = a.input(0);
  if (x.bytes.size() != y.bytes.size()) throw Error("element count changed");
  y.bytes = x.bytes;
}

void concat(KernelArgs& a) {
  Tensor& y = a.output(0);
  const int64_t axis = a.n.attrs.get_int("axis");
  const size_t es = dtype_size(y.dtype);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= y.shape[size_t(d)];
  // Each input contributes a contiguous block of (its axis dim * inner) elements per outer index.
  const int64_t row = y.numel() / std::max<int64_t>(outer, 1);
  int64_t off = 0;
  for (size_t i = 0; i < a.n.inputs.size(); ++i) {
    const Tensor& x = a.input(i);
    const int64_t block = x.numel() / std::max<int64_t>(outer, 1);
    for (int64_t o = 0; o < outer; ++o)
      if (block) std::memcpy(&y.bytes[size_t((o * row + off) * int64_t(es))], &x.bytes[size_t(o * block * int64_t(es))], size_t(block) * es);
    off += block;
  }
}

void transpose(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  const std::vector<int64_t> perm = a.n.attrs.get_ints("perm");
  const size_t r = perm.size(), es = dtype_size(x.dtype);
  std::vector<int64_t> xstride(r, 1);
  for (size_t d = r; d-- > 1;) xstride[d - 1] = xstride[d] * x.shape[d];
  std::vector<int64_t> pos(r, 0);
  for (int64_t i = 0; i < y.numel(); ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < r; ++d) src += pos[d] * xstride[size_t(perm[d])];
    std::memcpy(&y.bytes[size_t(i) * es], &x.bytes[size_t(src) * es], es);
    for (size_t d = r; d-- > 0;) {
      if (++pos[d] < y.shape[d]) break;
      pos[d] = 0;
    }
  }
}

void gather(KernelArgs& a) {
  const Tensor& x = a.input(0);
  const Tensor& idx = a.input(1);
  Tensor& y = a.output(0);
  const int64_t axis = a.n.attrs.get_int("axis");
  const size_t es = dtype_size(x.dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < x.shape.size(); ++d) inner *= x.shape[d];
  const int64_t dim = x.shape[size_t(axis)], count = idx.numel();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < count; ++k) {
      int64_t j = idx.get_i64(k);
      if (j < -dim || j >= dim) throw Error(fmt::format("index {} out of range for axis of size {}", j, dim));
      if (j < 0) j += dim;
      std::memcpy(&y.bytes[size_t((o * count + k) * inner) * es], &x.bytes[size_t((o * dim + j) * inner) * es], size_t(inner) * es);
    }
}

void shape_of(KernelArgs& a) {
  Tensor& y = a.output(0);
  const Shape& s = a.g.value(a.n.inputs[0]).shape;
  std::copy(s.begin(), s.end(), y.data<int64_t>());
}

void cast_kernel(KernelArgs& a) {
  Tensor& y = a.output(0);
  y = cast(a.input(0), y.dtype);
}

}  // namespace systole::ir::exec
