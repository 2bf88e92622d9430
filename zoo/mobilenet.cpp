// MobileNetV2 (width 1.0) with torchvision's topology and layer names: features.0 = conv 3x3/2
// 32 + BN + ReLU6; 17 inverted residual blocks (t, c, n, s) = (1,16,1,1) (6,24,2,2) (6,32,3,2)
// (6,64,4,2) (6,96,3,1) (6,160,3,2) (6,320,1,1): 1x1 expand + BN + ReLU6 (t > 1), depthwise
// 3x3/s + BN + ReLU6, 1x1 linear projection + BN, residual Add when stride 1 and shapes match;
// features.18 = 1x1 conv 1280 + BN + ReLU6; GlobalAveragePool, Flatten, classifier Gemm 1000.
// ReLU6 is Clip(x, 0, 6) with the bounds as inputs (opset >= 11). Input "input" 1x3x224x224,
// output "output" 1x1000.
#include <fmt/format.h>

#include "zoo/builder.hpp"

namespace systole::zoo {
namespace {

ir::ValueId conv_bn_relu6(NetBuilder& b, const std::string& p, ir::ValueId x, int64_t cout, int64_t k, int64_t stride,
                          int64_t group = 1) {
  return b.relu6(p + ".2", b.conv_bn(p + ".0", p + ".1", x, cout, k, stride, k / 2, group));
}

ir::ValueId inverted_residual(NetBuilder& b, const std::string& p, ir::ValueId x, int64_t expand, int64_t cout,
                              int64_t stride) {
  const int64_t cin = b.channels(x), hidden = cin * expand;
  ir::ValueId y = x;
  int layer = 0;
  if (expand != 1) y = conv_bn_relu6(b, fmt::format("{}.conv.{}", p, layer++), y, hidden, 1, 1);
  y = conv_bn_relu6(b, fmt::format("{}.conv.{}", p, layer++), y, hidden, 3, stride, hidden);
  const bool residual = stride == 1 && cin == cout;
  y = b.conv_bn(fmt::format("{}.conv.{}", p, layer), fmt::format("{}.conv.{}", p, layer + 1), y, cout, 1, 1, 0, 1,
                residual ? 0.5f : 1.f);
  return residual ? b.add(p + ".add", x, y) : y;
}

}  // namespace

ir::Graph build_mobilenet_v2(uint64_t seed) {
  struct Setting {
    int64_t t, c, n, s;
  };
  static const Setting settings[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                     {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  NetBuilder b("mobilenet_v2", seed);
  ir::ValueId x = b.input("input", {1, 3, 224, 224});
  x = conv_bn_relu6(b, "features.0", x, 32, 3, 2);
  int index = 1;
  for (const Setting& st : settings)
    for (int64_t i = 0; i < st.n; ++i)
      x = inverted_residual(b, fmt::format("features.{}", index++), x, st.t, st.c, i == 0 ? st.s : 1);
  x = conv_bn_relu6(b, fmt::format("features.{}", index), x, 1280, 1, 1);
  x = b.flatten("flatten", b.global_avgpool("avgpool", x));
  b.output(b.gemm("classifier.1", x, 1000, "output"));
  return b.finish();
}

}  // namespace systole::zoo
