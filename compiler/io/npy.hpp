// NumPy .npy files <-> ir::Tensor: model inputs, reference outputs and calibration data.
// Reads format versions 1.0, 2.0 and 3.0 (3.0 = 2.0 with a UTF-8 header), C order, dtypes
// float32, int8, uint8, int32, int64, little- or big-endian (converted to host order); writes
// version 1.0 (2.0 when the header needs it), little-endian, with numpy's 64-byte alignment,
// byte-identical to np.save. Every malformed input is a systole::Error naming the file and
// what is wrong; nothing is allocated before the header and the file size agree.
#pragma once
#include <string>

#include "compiler/ir/tensor.hpp"

namespace systole::io {

ir::Tensor read_npy(const std::string& path);
void write_npy(const std::string& path, const ir::Tensor& t);

// In-memory forms; `what` names the data in error messages (a file name, "input 0", ...).
ir::Tensor parse_npy(const std::string& bytes, const std::string& what = "npy data");
std::string format_npy(const ir::Tensor& t);

}  // namespace systole::io
