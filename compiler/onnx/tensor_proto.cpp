// TensorProto conversion. ONNX stores int8/uint8/int32 in int32_data, int64 in int64_data,
// float in float_data, or everything little-endian in raw_data (this host is little-endian).
#include "compiler/onnx/tensor_proto.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "arch/error.hpp"

namespace systole::onnx_io {

using ir::DType;
using ir::Tensor;
using TP = ::onnx::TensorProto;

ir::DType dtype_from_onnx(int32_t elem_type, const std::string& what) {
  switch (elem_type) {
    case TP::FLOAT: return DType::f32;
    case TP::INT8: return DType::i8;
    case TP::UINT8: return DType::u8;
    case TP::INT32: return DType::i32;
    case TP::INT64: return DType::i64;
    default: {
      const std::string n = TP::DataType_IsValid(elem_type) ? TP::DataType_Name(TP::DataType(elem_type)) : std::to_string(elem_type);
      throw Error(fmt::format("{} has element type {}, not supported (float32, int8, uint8, int32, int64)", what, n));
    }
  }
}

int32_t onnx_dtype(DType t) {
  switch (t) {
    case DType::f32: return TP::FLOAT;
    case DType::i8: return TP::INT8;
    case DType::u8: return TP::UINT8;
    case DType::i32: return TP::INT32;
    case DType::i64: return TP::INT64;
  }
  return TP::UNDEFINED;
}

Tensor tensor_from_proto(const TP& p) {
  const std::string what = fmt::format("tensor '{}'", p.name());
  if (p.data_location() == TP::EXTERNAL) throw Error(what + " uses external data, which is not supported");
  if (p.has_segment()) throw Error(what + " is segmented, which is not supported");
  const DType t = dtype_from_onnx(p.data_type(), what);
  ir::Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape)
    if (d < 0) throw Error(fmt::format("{} has a negative dimension in {}", what, ir::shape_str(shape)));
  // Guard the allocation: a corrupt file can declare absurd dims.
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > (int64_t(1) << 40) / d) throw Error(fmt::format("{} is too large: {}", what, ir::shape_str(shape)));
    n *= d;
  }
  // The data must be there before anything is allocated: a few bytes of protobuf can declare
  // 2^40 elements (found by fuzz/fuzz_onnx_import; tests/fuzz_regress).
  const size_t have = p.has_raw_data() ? p.raw_data().size() / ir::dtype_size(t)
                      : t == DType::f32   ? size_t(p.float_data_size())
                      : t == DType::i64   ? size_t(p.int64_data_size())
                                          : size_t(p.int32_data_size());
  if ((p.has_raw_data() && p.raw_data().size() != uint64_t(n) * ir::dtype_size(t)) || (!p.has_raw_data() && have != uint64_t(n)))
    throw Error(fmt::format("{} has {} data elements for shape {} ({} expected)", what, have, ir::shape_str(shape), n));
  Tensor out(t, shape);
  auto mismatch = [&](size_t have) {
    return Error(fmt::format("{} has {} data elements for shape {} ({} expected)", what, have, ir::shape_str(shape), n));
  };
  if (p.has_raw_data()) {
    if (p.raw_data().size() != out.bytes.size()) throw mismatch(p.raw_data().size() / ir::dtype_size(t));
    if (!out.bytes.empty()) std::memcpy(out.bytes.data(), p.raw_data().data(), out.bytes.size());
    return out;
  }
  switch (t) {
    case DType::f32:
      if (p.float_data_size() != n) throw mismatch(size_t(p.float_data_size()));
      std::copy(p.float_data().begin(), p.float_data().end(), out.data<float>());
      break;
    case DType::i64:
      if (p.int64_data_size() != n) throw mismatch(size_t(p.int64_data_size()));
      std::copy(p.int64_data().begin(), p.int64_data().end(), out.data<int64_t>());
      break;
    default:
      if (p.int32_data_size() != n) throw mismatch(size_t(p.int32_data_size()));
      for (int64_t i = 0; i < n; ++i) {
        const int32_t v = p.int32_data(int(i));
        if (t == DType::i32) out.data<int32_t>()[i] = v;
        else if (t == DType::i8) out.data<int8_t>()[i] = int8_t(v);
        else out.data<uint8_t>()[i] = uint8_t(v);
      }
  }
  return out;
}

TP tensor_to_proto(const Tensor& t, const std::string& name) {
  TP p;
  p.set_name(name);
  p.set_data_type(onnx_dtype(t.dtype));
  for (int64_t d : t.shape) p.add_dims(d);
  p.set_raw_data(std::string(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size()));
  return p;
}

Tensor load_tensor_file(const std::string& path, std::string* name) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open tensor file '{}'", path));
  std::stringstream ss;
  ss << f.rdbuf();
  TP p;
  if (!p.ParseFromString(ss.str())) throw Error(fmt::format("'{}' is not a valid TensorProto file", path));
  if (name) *name = p.name();
  try {
    return tensor_from_proto(p);
  } catch (const Error& e) {
    throw Error(fmt::format("'{}': {}", path, e.what()));
  }
}

void save_tensor_file(const Tensor& t, const std::string& name, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  if (!f || !tensor_to_proto(t, name).SerializeToOstream(&f)) throw Error(fmt::format("cannot write tensor file '{}'", path));
}

Tensor uint8_to_int8(const Tensor& u8) {
  if (u8.dtype != DType::u8) throw Error(fmt::format("expected a uint8 tensor, got {}", ir::dtype_name(u8.dtype)));
  Tensor t(DType::i8, u8.shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<int8_t>()[i] = int8_t(int(u8.data<uint8_t>()[i]) - 128);
  return t;
}

Tensor int8_to_uint8(const Tensor& i8) {
  if (i8.dtype != DType::i8) throw Error(fmt::format("expected an int8 tensor, got {}", ir::dtype_name(i8.dtype)));
  Tensor t(DType::u8, i8.shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<uint8_t>()[i] = uint8_t(int(i8.data<int8_t>()[i]) + 128);
  return t;
}

}  // namespace systole::onnx_io
