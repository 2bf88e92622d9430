// Typed tensor data for the IR: element type, shape, and a raw byte buffer. Constants
// (weights, shape operands) and the executor's activations are both Tensors.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "arch/error.hpp"

namespace systole::ir {

// The element types the IR knows. uint8 only appears transiently (ONNX interface data before
// the importer's int8 mapping, see docs/frontend.md); the graph itself carries int8.
enum class DType : uint8_t { f32, i8, u8, i32, i64 };

const char* dtype_name(DType t);
size_t dtype_size(DType t);

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<int8_t>() { return DType::i8; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::u8; }
template <> constexpr DType dtype_of<int32_t>() { return DType::i32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::i64; }

using Shape = std::vector<int64_t>;
int64_t numel(const Shape& s);           // product of dims (1 for a scalar)
std::string shape_str(const Shape& s);   // "[1,3,224,224]"
// Numpy-style multidirectional broadcast of two shapes; throws when incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b);
// Normalizes a possibly negative axis into [0, rank) (or [0, rank] when `inclusive`).
int64_t normalize_axis(int64_t axis, int64_t rank, bool inclusive = false);

struct Tensor {
  DType dtype = DType::f32;
  Shape shape;
  std::vector<uint8_t> bytes;  // numel * dtype_size, host byte order

  Tensor() = default;
  Tensor(DType t, Shape s);  // zero-filled
  template <class T> static Tensor from(Shape s, const std::vector<T>& v) {
    Tensor t(dtype_of<T>(), std::move(s));
    if (int64_t(v.size()) != t.numel()) throw Error("tensor data size does not match its shape " + shape_str(t.shape));
    if (!v.empty()) std::memcpy(t.bytes.data(), v.data(), v.size() * sizeof(T));
    return t;
  }
  template <class T> static Tensor scalar(T v) { return from<T>({}, {v}); }

  int64_t numel() const { return ir::numel(shape); }
  int64_t rank() const { return int64_t(shape.size()); }

  // Typed access; throws when T does not match dtype (a wrong cast is a bug, not UB).
  template <class T> T* data() { check<T>(); return reinterpret_cast<T*>(bytes.data()); }
  template <class T> const T* data() const { check<T>(); return reinterpret_cast<const T*>(bytes.data()); }
  template <class T> std::vector<T> vec() const { const T* p = data<T>(); return std::vector<T>(p, p + numel()); }

  // Element i read as a wider type, whatever the dtype (for scales, zero points, shapes).
  double get_f64(int64_t i) const;
  int64_t get_i64(int64_t i) const;
  std::vector<int64_t> to_i64() const;

  bool operator==(const Tensor& o) const { return dtype == o.dtype && shape == o.shape && bytes == o.bytes; }

 private:
  template <class T> void check() const {
    if (dtype_of<T>() != dtype)
      throw Error(std::string("tensor is ") + dtype_name(dtype) + ", accessed as " + dtype_name(dtype_of<T>()));
  }
};

// Element-type conversion with ONNX Cast semantics for the types above (float -> int truncates).
Tensor cast(const Tensor& t, DType to);

}  // namespace systole::ir
