// Internal helpers of the model zoo: a fast seeded PRNG for weights and NetBuilder, which
// appends torchvision-style layers (Conv, BatchNormalization, Relu, Clip, pools, Gemm, ...) to
// an ir::Graph in the canonical opset-14 form the ONNX importer produces. Each constant draws
// from its own stream, seeded by (model seed, constant name), so weights do not depend on the
// order layers are built in.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::zoo {

// xoshiro256+ seeded by splitmix64: the same draws on every platform for a given seed (normals
// touch libm only on the ziggurat's rare slow path).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  float uniform();  // [0, 1), 24 random bits
  void fill_uniform(float* p, int64_t n, float lo, float hi);
  float normal();   // standard normal (ziggurat)
  void fill_normal(float* p, int64_t n, float mean, float stddev);

 private:
  uint64_t s_[4];
};

uint64_t stream_seed(uint64_t seed, const std::string& name);  // splitmix64(seed ^ fnv1a(name))

class NetBuilder {
 public:
  NetBuilder(const std::string& graph_name, uint64_t seed);

  ir::ValueId input(const std::string& name, ir::Shape shape);  // float32

  // Layers. `name` names the node and its output value; weights are "<name>.weight" etc.
  // Conv: OIHW weights, He-normal (fan_in = cin/group * k * k); a bias only when asked.
  ir::ValueId conv(const std::string& name, ir::ValueId x, int64_t cout, int64_t k, int64_t stride, int64_t pad,
                   int64_t group = 1, bool bias = false);
  // Inference BatchNormalization with plausible statistics (gamma around `gamma`).
  ir::ValueId batchnorm(const std::string& name, ir::ValueId x, float gamma = 1.f);
  ir::ValueId relu(const std::string& name, ir::ValueId x);
  ir::ValueId relu6(const std::string& name, ir::ValueId x);  // Clip(x, 0, 6), bounds as inputs
  ir::ValueId maxpool(const std::string& name, ir::ValueId x, int64_t k, int64_t stride, int64_t pad);
  ir::ValueId avgpool(const std::string& name, ir::ValueId x, int64_t k, int64_t stride);
  ir::ValueId global_avgpool(const std::string& name, ir::ValueId x);
  ir::ValueId flatten(const std::string& name, ir::ValueId x);
  ir::ValueId reshape(const std::string& name, ir::ValueId x, const std::vector<int64_t>& shape);
  // Fully connected: x [N, K] -> [N, nout]; W [nout, K] with transB=1 (as torch exports), bias.
  // `out` renames the output value (e.g. "output").
  ir::ValueId gemm(const std::string& name, ir::ValueId x, int64_t nout, const std::string& out = "");
  ir::ValueId add(const std::string& name, ir::ValueId a, ir::ValueId b);
  ir::ValueId concat(const std::string& name, const std::vector<ir::ValueId>& xs, int64_t axis);

  // Conv (no bias) followed by BatchNormalization, the ubiquitous pair; torchvision-style
  // names for both ("layer1.0.conv1", "layer1.0.bn1").
  ir::ValueId conv_bn(const std::string& conv_name, const std::string& bn_name, ir::ValueId x, int64_t cout,
                      int64_t k, int64_t stride, int64_t pad, int64_t group = 1, float gamma = 1.f);

  const ir::Shape& shape(ir::ValueId v) const { return shapes_.at(size_t(v)); }
  int64_t channels(ir::ValueId v) const { return shape(v).at(1); }

  void output(ir::ValueId v) { g_.outputs.push_back(v); }
  // The finished graph: verified, output shapes not yet inferred (like an imported model).
  ir::Graph finish();

 private:
  ir::ValueId node(const std::string& name, const std::string& op, std::vector<ir::ValueId> in, ir::Attributes a,
                   ir::Shape out_shape, const std::string& out = "");
  ir::ValueId weight(const std::string& name, ir::Shape s, float stddev);       // normal(0, stddev)
  ir::ValueId uniform(const std::string& name, ir::Shape s, float lo, float hi);
  ir::ValueId scalar(const std::string& name, float v);
  ir::Shape window(const std::string& name, ir::ValueId x, int64_t c, int64_t k, int64_t stride, int64_t pad) const;

  ir::Graph g_;
  uint64_t seed_;
  std::vector<ir::Shape> shapes_;  // by ValueId: the builder's own shape bookkeeping
  ir::ValueId clip_lo_ = ir::kNoValue, clip_hi_ = ir::kNoValue;
};

// Model builders (one per zoo entry), defined in resnet.cpp, mobilenet.cpp, small.cpp.
ir::Graph build_resnet18(uint64_t seed);
ir::Graph build_resnet50(uint64_t seed);
ir::Graph build_mobilenet_v2(uint64_t seed);
ir::Graph build_small_cnn(uint64_t seed);
ir::Graph build_mlp(uint64_t seed);

}  // namespace systole::zoo
