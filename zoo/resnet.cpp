// ResNet-18 and ResNet-50 with torchvision's topology (v1.5: the stride sits on the 3x3 conv of
// a bottleneck) and torchvision's layer names: stem conv1 7x7/2 + bn1 + relu, maxpool 3x3/2
// pad 1, four stages of BasicBlocks [2,2,2,2] or Bottlenecks [3,4,6,3], downsample 1x1/s + BN
// on the first block of a stage when shape changes, residual Add + Relu, GlobalAveragePool,
// Flatten, fc Gemm 1000. Input "input" 1x3x224x224, output "output" 1x1000 (logits).
#include <fmt/format.h>

#include "zoo/builder.hpp"

namespace systole::zoo {
namespace {

// The last BN of each residual branch gets a small scale (gamma ~0.3), as in trained ResNets,
// so the residual stream grows slowly with depth: ResNet-50's activations stay within ~30
// for a unit-variance input, logits within ~20.
constexpr float kBranchGamma = 0.3f;

ir::ValueId shortcut(NetBuilder& b, const std::string& p, ir::ValueId x, int64_t cout, int64_t stride) {
  if (stride == 1 && b.channels(x) == cout) return x;
  return b.conv_bn(p + ".downsample.0", p + ".downsample.1", x, cout, 1, stride, 0);
}

ir::ValueId basic_block(NetBuilder& b, const std::string& p, ir::ValueId x, int64_t width, int64_t stride) {
  ir::ValueId y = b.relu(p + ".relu1", b.conv_bn(p + ".conv1", p + ".bn1", x, width, 3, stride, 1));
  y = b.conv_bn(p + ".conv2", p + ".bn2", y, width, 3, 1, 1, 1, kBranchGamma);
  return b.relu(p + ".relu2", b.add(p + ".add", y, shortcut(b, p, x, width, stride)));
}

ir::ValueId bottleneck(NetBuilder& b, const std::string& p, ir::ValueId x, int64_t width, int64_t stride) {
  const int64_t cout = width * 4;
  ir::ValueId y = b.relu(p + ".relu1", b.conv_bn(p + ".conv1", p + ".bn1", x, width, 1, 1, 0));
  y = b.relu(p + ".relu2", b.conv_bn(p + ".conv2", p + ".bn2", y, width, 3, stride, 1));
  y = b.conv_bn(p + ".conv3", p + ".bn3", y, cout, 1, 1, 0, 1, kBranchGamma);
  return b.relu(p + ".relu3", b.add(p + ".add", y, shortcut(b, p, x, cout, stride)));
}

ir::Graph resnet(const std::string& name, bool bottlenecks, const int (&blocks)[4], uint64_t seed) {
  NetBuilder b(name, seed);
  ir::ValueId x = b.input("input", {1, 3, 224, 224});
  x = b.relu("relu", b.conv_bn("conv1", "bn1", x, 64, 7, 2, 3));
  x = b.maxpool("maxpool", x, 3, 2, 1);
  for (int stage = 0; stage < 4; ++stage) {
    const int64_t width = int64_t(64) << stage;
    for (int i = 0; i < blocks[stage]; ++i) {
      const std::string p = fmt::format("layer{}.{}", stage + 1, i);
      const int64_t stride = stage > 0 && i == 0 ? 2 : 1;
      x = bottlenecks ? bottleneck(b, p, x, width, stride) : basic_block(b, p, x, width, stride);
    }
  }
  x = b.flatten("flatten", b.global_avgpool("avgpool", x));
  b.output(b.gemm("fc", x, 1000, "output"));
  return b.finish();
}

}  // namespace

ir::Graph build_resnet18(uint64_t seed) { return resnet("resnet18", false, {2, 2, 2, 2}, seed); }
ir::Graph build_resnet50(uint64_t seed) { return resnet("resnet50", true, {3, 4, 6, 3}, seed); }

}  // namespace systole::zoo
