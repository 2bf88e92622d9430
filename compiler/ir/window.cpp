// Window canonicalization: ONNX's default strides/dilations/pads, auto_pad SAME_UPPER /
// SAME_LOWER / VALID, and ceil_mode with the rule (shared by PyTorch and onnxruntime) that
// the last window must start inside the input or its begin padding.
#include "compiler/ir/window.hpp"

#include <fmt/format.h>

#include "arch/error.hpp"

namespace systole::ir {

Window canonicalize_window(Node& n, const std::vector<int64_t>& in, std::vector<int64_t> kernel, bool is_pool,
                           std::vector<int64_t>& out) {
  const int r = int(in.size());
  if (r < 1 || r > 2)
    throw Error(fmt::format("{}-D windows are not supported (only 1-D and 2-D)", r));
  Window w;
  w.rank = r;
  const std::vector<int64_t> ones(size_t(r), 1);
  if (n.attrs.has("kernel_shape") && n.attrs.get_ints("kernel_shape") != kernel)
    throw Error(fmt::format("kernel_shape [{}] does not match the weights [{}]", fmt::join(n.attrs.get_ints("kernel_shape"), ","),
                            fmt::join(kernel, ",")));
  w.kernel = kernel;
  w.strides = n.attrs.get_ints("strides", ones);
  w.dilations = n.attrs.get_ints("dilations", ones);
  w.pads = n.attrs.get_ints("pads", std::vector<int64_t>(size_t(2 * r), 0));
  w.ceil_mode = n.attrs.get_int("ceil_mode", 0) != 0;
  if (int(w.kernel.size()) != r || int(w.strides.size()) != r || int(w.dilations.size()) != r || int(w.pads.size()) != 2 * r)
    throw Error(fmt::format("kernel_shape/strides/dilations need {} values and pads {} for a {}-D input", r, 2 * r, r));
  for (int d = 0; d < r; ++d) {
    if (w.kernel[size_t(d)] < 1 || w.strides[size_t(d)] < 1 || w.dilations[size_t(d)] < 1)
      throw Error("kernel, strides and dilations must be positive");
    if (w.pads[size_t(d)] < 0 || w.pads[size_t(d + r)] < 0) throw Error("pads must not be negative");
  }

  const std::string auto_pad = n.attrs.get_string("auto_pad", "NOTSET");
  out.assign(size_t(r), 0);
  for (int d = 0; d < r; ++d) {
    const int64_t s = w.strides[size_t(d)], ext = w.extent(d), x = in[size_t(d)];
    int64_t& pb = w.pads[size_t(d)];
    int64_t& pe = w.pads[size_t(d + r)];
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (x + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (o - 1) * s + ext - x);
      pb = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else if (auto_pad == "VALID") {
      pb = pe = 0;
    } else if (auto_pad != "NOTSET") {
      throw Error(fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad));
    }
    const int64_t span = x + pb + pe - ext;
    if (span < 0)
      throw Error(fmt::format("window extent {} is larger than the padded input {} in spatial dim {}", ext, x + pb + pe, d));
    int64_t o = span / s + 1;
    if (is_pool && w.ceil_mode) {
      o = (span + s - 1) / s + 1;
      if ((o - 1) * s >= x + pb) --o;
    }
    out[size_t(d)] = o;
  }
  n.attrs.erase("auto_pad");
  n.attrs.set("kernel_shape", w.kernel);
  n.attrs.set("strides", w.strides);
  n.attrs.set("dilations", w.dilations);
  n.attrs.set("pads", w.pads);
  return w;
}

Window read_window(const Node& n) {
  Window w;
  w.kernel = n.attrs.get_ints("kernel_shape");
  w.rank = int(w.kernel.size());
  w.strides = n.attrs.get_ints("strides");
  w.dilations = n.attrs.get_ints("dilations");
  w.pads = n.attrs.get_ints("pads");
  w.ceil_mode = n.attrs.get_int("ceil_mode", 0) != 0;
  return w;
}

}  // namespace systole::ir
