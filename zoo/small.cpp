// The two small zoo models, quick enough for the float executor and the simulators in tests.
// small_cnn (CIFAR-sized, 1x3x32x32 -> 1x10): Conv+BN+Relu, MaxPool, a two-branch block joined
// by Concat (1x1 and 3x3 convs with biases), MaxPool, Conv+BN+Relu, AveragePool, Reshape to
// [1,-1], Gemm+Relu, Gemm. mlp (1x256 -> 1x10): Gemm 512 + Relu, Gemm 256 + Relu, Gemm 10.
#include "zoo/builder.hpp"

namespace systole::zoo {

ir::Graph build_small_cnn(uint64_t seed) {
  NetBuilder b("small_cnn", seed);
  ir::ValueId x = b.input("input", {1, 3, 32, 32});
  x = b.relu("relu1", b.conv_bn("conv1", "bn1", x, 32, 3, 1, 1));
  x = b.maxpool("pool1", x, 2, 2, 0);
  const ir::ValueId left = b.relu("branch1.relu", b.conv("branch1.conv", x, 32, 1, 1, 0, 1, true));
  const ir::ValueId right = b.relu("branch3.relu", b.conv("branch3.conv", x, 32, 3, 1, 1, 1, true));
  x = b.concat("concat", {left, right}, 1);
  x = b.maxpool("pool2", x, 2, 2, 0);
  x = b.relu("relu3", b.conv_bn("conv3", "bn3", x, 128, 3, 1, 1));
  x = b.avgpool("pool3", x, 2, 2);
  x = b.reshape("reshape", x, {1, -1});
  x = b.relu("fc1.relu", b.gemm("fc1", x, 128));
  b.output(b.gemm("fc2", x, 10, "output"));
  return b.finish();
}

ir::Graph build_mlp(uint64_t seed) {
  NetBuilder b("mlp", seed);
  ir::ValueId x = b.input("input", {1, 256});
  x = b.relu("fc1.relu", b.gemm("fc1", x, 512));
  x = b.relu("fc2.relu", b.gemm("fc2", x, 256));
  b.output(b.gemm("fc3", x, 10, "output"));
  return b.finish();
}

}  // namespace systole::zoo
