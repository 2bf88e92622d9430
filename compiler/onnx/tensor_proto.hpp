// ONNX TensorProto <-> ir::Tensor, and the .pb tensor files of the ONNX test data sets.
// Handles raw_data and the typed repeated fields; external data is rejected.
#pragma once
#include <string>

#include "compiler/ir/tensor.hpp"
#include "onnx/onnx_pb.h"

namespace systole::onnx_io {

// ONNX TensorProto.DataType codes of the types the IR knows; others throw naming the type.
ir::DType dtype_from_onnx(int32_t elem_type, const std::string& what);
int32_t onnx_dtype(ir::DType t);

// Throws systole::Error naming the tensor when its data is missing, external, or its size
// does not match its dims. uint8 tensors come back as uint8 (no int8 mapping here).
ir::Tensor tensor_from_proto(const ::onnx::TensorProto& p);
::onnx::TensorProto tensor_to_proto(const ir::Tensor& t, const std::string& name);

// A serialized TensorProto file (input_0.pb, output_0.pb, ...). `name` receives its name.
ir::Tensor load_tensor_file(const std::string& path, std::string* name = nullptr);
void save_tensor_file(const ir::Tensor& t, const std::string& name, const std::string& path);

// The uint8 <-> int8 interface mapping (docs/frontend.md): int8 = uint8 - 128, exact for
// data and zero points. Use on data fed to / read from graph values with from_uint8 set.
ir::Tensor uint8_to_int8(const ir::Tensor& u8);
ir::Tensor int8_to_uint8(const ir::Tensor& i8);

}  // namespace systole::onnx_io
