// Tensor helpers: dtype names and sizes, element reads as wide types, casts.
#include "compiler/ir/tensor.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace systole::ir {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "float32";
    case DType::i8: return "int8";
    case DType::u8: return "uint8";
    case DType::i32: return "int32";
    case DType::i64: return "int64";
  }
  return "?";
}

size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::i8: return 1;
    case DType::u8: return 1;
    case DType::i32: return 4;
    case DType::i64: return 8;
  }
  return 0;
}

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) { return fmt::format("[{}]", fmt::join(s, ",")); }

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error(fmt::format("shapes {} and {} do not broadcast", shape_str(a), shape_str(b)));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t normalize_axis(int64_t axis, int64_t rank, bool inclusive) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a > rank || (a == rank && !inclusive)) throw Error(fmt::format("axis {} is out of range for rank {}", axis, rank));
  return a;
}

Tensor::Tensor(DType t, Shape s) : dtype(t), shape(std::move(s)) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("tensor shape " + shape_str(shape) + " has a negative dimension");
    // Corrupt models can declare absurd shapes: refuse tensors over 4 GiB instead of letting
    // the zero fill run the machine out of memory.
    if (d != 0 && n > (int64_t(1) << 32) / int64_t(dtype_size(t)) / d)
      throw Error("tensor shape " + shape_str(shape) + " is too large (over 4 GiB)");
    n *= d;
  }
  bytes.assign(size_t(numel()) * dtype_size(t), 0);
}

template <class F> static auto visit_elem(const Tensor& t, int64_t i, F f) {
  switch (t.dtype) {
    case DType::f32: return f(t.data<float>()[i]);
    case DType::i8: return f(t.data<int8_t>()[i]);
    case DType::u8: return f(t.data<uint8_t>()[i]);
    case DType::i32: return f(t.data<int32_t>()[i]);
    case DType::i64: return f(t.data<int64_t>()[i]);
  }
  throw Error("bad dtype");
}

double Tensor::get_f64(int64_t i) const {
  return visit_elem(*this, i, [](auto v) { return double(v); });
}

int64_t Tensor::get_i64(int64_t i) const {
  return visit_elem(*this, i, [](auto v) { return int64_t(v); });
}

std::vector<int64_t> Tensor::to_i64() const {
  std::vector<int64_t> v(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) v[size_t(i)] = get_i64(i);
  return v;
}

template <class To> static void cast_into(const Tensor& t, Tensor& out) {
  To* o = out.data<To>();
  for (int64_t i = 0; i < t.numel(); ++i)
    o[i] = visit_elem(t, i, [](auto v) { return static_cast<To>(v); });
}

Tensor cast(const Tensor& t, DType to) {
  Tensor out(to, t.shape);
  switch (to) {
    case DType::f32: cast_into<float>(t, out); break;
    case DType::i8: cast_into<int8_t>(t, out); break;
    case DType::u8: cast_into<uint8_t>(t, out); break;
    case DType::i32: cast_into<int32_t>(t, out); break;
    case DType::i64: cast_into<int64_t>(t, out); break;
  }
  return out;
}

}  // namespace systole::ir
