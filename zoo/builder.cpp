// NetBuilder and the weight PRNG. Shapes are tracked here as well, so a layer wired to the
// wrong tensor fails while building (naming the layer) rather than in shape inference.
#include "zoo/builder.hpp"

#include <fmt/format.h>

#include <cmath>

#include "arch/error.hpp"
#include "compiler/ir/verify.hpp"

namespace systole::zoo {

static uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = splitmix64(seed);
}

uint64_t Rng::next() {
  const uint64_t r = s_[0] + s_[3];
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return r;
}

float Rng::uniform() { return float(next() >> 40) * 0x1p-24f; }

void Rng::fill_uniform(float* p, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i) p[i] = lo + (hi - lo) * uniform();
}

// Marsaglia-Tsang ziggurat (128 strips): ~99% of samples cost one draw, a multiply and a
// compare, so ResNet-50's 25.6 M weights take well under 0.1 s. The strip index and the
// value come from disjoint bits of the draw.
namespace {
struct Ziggurat {
  uint32_t k[128];
  float w[128], f[128];
  Ziggurat() {
    const double m1 = 2147483648.0, vn = 9.91256303526217e-3;
    double dn = 3.442619855899, tn = dn;
    const double q = vn / std::exp(-0.5 * dn * dn);
    k[0] = uint32_t(dn / q * m1);
    k[1] = 0;
    w[0] = float(q / m1);
    w[127] = float(dn / m1);
    f[0] = 1.f;
    f[127] = float(std::exp(-0.5 * dn * dn));
    for (int i = 126; i >= 1; --i) {
      dn = std::sqrt(-2.0 * std::log(vn / dn + std::exp(-0.5 * dn * dn)));
      k[i + 1] = uint32_t(dn / tn * m1);
      tn = dn;
      f[i] = float(std::exp(-0.5 * dn * dn));
      w[i] = float(dn / m1);
    }
  }
};
const Ziggurat& ziggurat() {
  static const Ziggurat z;
  return z;
}
}  // namespace

float Rng::normal() {
  const Ziggurat& z = ziggurat();
  for (;;) {
    const uint64_t r = next();
    const int32_t hz = int32_t(uint32_t(r >> 32));
    const int iz = int(r & 127);
    const uint32_t mag = hz < 0 ? uint32_t(-int64_t(hz)) : uint32_t(hz);
    const float x = float(hz) * z.w[iz];
    if (mag < z.k[iz]) return x;
    if (iz == 0) {  // the tail beyond r = 3.442620
      constexpr float tail = 3.442620f;
      float tx, ty;
      do {
        tx = -std::log(1.f - uniform()) / tail;
        ty = -std::log(1.f - uniform());
      } while (ty + ty < tx * tx);
      return hz > 0 ? tail + tx : -tail - tx;
    }
    if (z.f[iz] + uniform() * (z.f[iz - 1] - z.f[iz]) < std::exp(-0.5f * x * x)) return x;
  }
}

void Rng::fill_normal(float* p, int64_t n, float mean, float stddev) {
  for (int64_t i = 0; i < n; ++i) p[i] = mean + stddev * normal();
}

uint64_t stream_seed(uint64_t seed, const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
  uint64_t x = seed ^ h;
  return splitmix64(x);
}

NetBuilder::NetBuilder(const std::string& graph_name, uint64_t seed) : seed_(seed) { g_.name = graph_name; }

ir::ValueId NetBuilder::input(const std::string& name, ir::Shape shape) {
  const ir::ValueId v = g_.add_value(name, ir::DType::f32, shape);
  g_.inputs.push_back(v);
  shapes_.resize(g_.values.size());
  shapes_[size_t(v)] = std::move(shape);
  return v;
}

ir::ValueId NetBuilder::node(const std::string& name, const std::string& op, std::vector<ir::ValueId> in,
                             ir::Attributes a, ir::Shape out_shape, const std::string& out) {
  const ir::ValueId o = g_.add_value(out.empty() ? name : out);
  g_.add_node({name, op, std::move(a), std::move(in), {o}});
  shapes_.resize(g_.values.size());
  shapes_[size_t(o)] = std::move(out_shape);
  return o;
}

ir::ValueId NetBuilder::weight(const std::string& name, ir::Shape s, float stddev) {
  ir::Tensor t(ir::DType::f32, std::move(s));
  Rng(stream_seed(seed_, name)).fill_normal(t.data<float>(), t.numel(), 0.f, stddev);
  const ir::Shape shape = t.shape;
  const ir::ValueId v = g_.add_constant(name, std::move(t));
  shapes_.resize(g_.values.size());
  shapes_[size_t(v)] = shape;
  return v;
}

ir::ValueId NetBuilder::uniform(const std::string& name, ir::Shape s, float lo, float hi) {
  ir::Tensor t(ir::DType::f32, std::move(s));
  Rng(stream_seed(seed_, name)).fill_uniform(t.data<float>(), t.numel(), lo, hi);
  const ir::Shape shape = t.shape;
  const ir::ValueId v = g_.add_constant(name, std::move(t));
  shapes_.resize(g_.values.size());
  shapes_[size_t(v)] = shape;
  return v;
}

ir::ValueId NetBuilder::scalar(const std::string& name, float x) {
  const ir::ValueId v = g_.add_constant(name, ir::Tensor::scalar(x));
  shapes_.resize(g_.values.size());
  return v;
}

// Output shape of a 2-D window (conv or pool) with `c` output channels.
ir::Shape NetBuilder::window(const std::string& name, ir::ValueId x, int64_t c, int64_t k, int64_t stride,
                             int64_t pad) const {
  const ir::Shape& s = shape(x);
  if (s.size() != 4) throw Error(fmt::format("zoo: layer '{}' needs an NCHW input, got {}", name, ir::shape_str(s)));
  const int64_t h = (s[2] + 2 * pad - k) / stride + 1, w = (s[3] + 2 * pad - k) / stride + 1;
  if (h < 1 || w < 1) throw Error(fmt::format("zoo: layer '{}': window {} larger than input {}", name, k, ir::shape_str(s)));
  return {s[0], c, h, w};
}

ir::ValueId NetBuilder::conv(const std::string& name, ir::ValueId x, int64_t cout, int64_t k, int64_t stride,
                             int64_t pad, int64_t group, bool bias) {
  const int64_t cin = channels(x);
  if (cin % group || cout % group)
    throw Error(fmt::format("zoo: conv '{}': channels {} -> {} not divisible by group {}", name, cin, cout, group));
  const int64_t fan_in = cin / group * k * k;
  std::vector<ir::ValueId> in = {x, weight(name + ".weight", {cout, cin / group, k, k}, std::sqrt(2.f / float(fan_in)))};
  if (bias) in.push_back(uniform(name + ".bias", {cout}, -0.05f, 0.05f));
  ir::Attributes a;
  a.set("dilations", std::vector<int64_t>{1, 1});
  a.set("group", group);
  a.set("kernel_shape", std::vector<int64_t>{k, k});
  a.set("pads", std::vector<int64_t>{pad, pad, pad, pad});
  a.set("strides", std::vector<int64_t>{stride, stride});
  return node(name, "Conv", std::move(in), std::move(a), window(name, x, cout, k, stride, pad));
}

ir::ValueId NetBuilder::batchnorm(const std::string& name, ir::ValueId x, float gamma) {
  // Statistics a trained net might have: scale around `gamma`, small shift and mean, variance
  // within a factor of two of 1, so folding changes every weight by a visible amount.
  const int64_t c = channels(x);
  const ir::ValueId s = uniform(name + ".weight", {c}, 0.75f * gamma, 1.25f * gamma);
  const ir::ValueId b = uniform(name + ".bias", {c}, -0.1f, 0.1f);
  const ir::ValueId m = uniform(name + ".running_mean", {c}, -0.1f, 0.1f);
  const ir::ValueId v = uniform(name + ".running_var", {c}, 0.5f, 2.f);
  ir::Attributes a;
  a.set("epsilon", 1e-5f);
  a.set("momentum", 0.9f);
  return node(name, "BatchNormalization", {x, s, b, m, v}, std::move(a), shape(x));
}

ir::ValueId NetBuilder::conv_bn(const std::string& conv_name, const std::string& bn_name, ir::ValueId x,
                                int64_t cout, int64_t k, int64_t stride, int64_t pad, int64_t group, float gamma) {
  return batchnorm(bn_name, conv(conv_name, x, cout, k, stride, pad, group), gamma);
}

ir::ValueId NetBuilder::relu(const std::string& name, ir::ValueId x) { return node(name, "Relu", {x}, {}, shape(x)); }

ir::ValueId NetBuilder::relu6(const std::string& name, ir::ValueId x) {
  if (clip_lo_ == ir::kNoValue) {  // one pair of bound constants shared by every ReLU6
    clip_lo_ = scalar("relu6.min", 0.f);
    clip_hi_ = scalar("relu6.max", 6.f);
  }
  return node(name, "Clip", {x, clip_lo_, clip_hi_}, {}, shape(x));
}

ir::ValueId NetBuilder::maxpool(const std::string& name, ir::ValueId x, int64_t k, int64_t stride, int64_t pad) {
  ir::Attributes a;
  a.set("kernel_shape", std::vector<int64_t>{k, k});
  a.set("pads", std::vector<int64_t>{pad, pad, pad, pad});
  a.set("strides", std::vector<int64_t>{stride, stride});
  return node(name, "MaxPool", {x}, std::move(a), window(name, x, channels(x), k, stride, pad));
}

ir::ValueId NetBuilder::avgpool(const std::string& name, ir::ValueId x, int64_t k, int64_t stride) {
  ir::Attributes a;
  a.set("kernel_shape", std::vector<int64_t>{k, k});
  a.set("pads", std::vector<int64_t>{0, 0, 0, 0});
  a.set("strides", std::vector<int64_t>{stride, stride});
  return node(name, "AveragePool", {x}, std::move(a), window(name, x, channels(x), k, stride, 0));
}

ir::ValueId NetBuilder::global_avgpool(const std::string& name, ir::ValueId x) {
  const ir::Shape& s = shape(x);
  return node(name, "GlobalAveragePool", {x}, {}, {s.at(0), s.at(1), 1, 1});
}

ir::ValueId NetBuilder::flatten(const std::string& name, ir::ValueId x) {
  const ir::Shape& s = shape(x);
  ir::Attributes a;
  a.set("axis", int64_t(1));
  return node(name, "Flatten", {x}, std::move(a), {s.at(0), ir::numel(s) / s.at(0)});
}

ir::ValueId NetBuilder::reshape(const std::string& name, ir::ValueId x, const std::vector<int64_t>& dims) {
  const int64_t total = ir::numel(shape(x));
  int64_t known = 1;
  for (int64_t d : dims) known *= d == -1 ? 1 : d;
  ir::Shape out;
  for (int64_t d : dims) out.push_back(d == -1 ? total / known : d);
  if (ir::numel(out) != total)
    throw Error(fmt::format("zoo: reshape '{}': {} does not fit {}", name, ir::shape_str(dims), ir::shape_str(shape(x))));
  const ir::ValueId s = g_.add_constant(name + ".shape", ir::Tensor::from<int64_t>({int64_t(dims.size())}, dims));
  shapes_.resize(g_.values.size());
  return node(name, "Reshape", {x, s}, {}, out);
}

ir::ValueId NetBuilder::gemm(const std::string& name, ir::ValueId x, int64_t nout, const std::string& out) {
  const ir::Shape& s = shape(x);
  if (s.size() != 2) throw Error(fmt::format("zoo: gemm '{}' needs a 2-D input, got {}", name, ir::shape_str(s)));
  const int64_t k = s[1], n = s[0];
  const ir::ValueId w = weight(name + ".weight", {nout, k}, std::sqrt(2.f / float(k)));
  const ir::ValueId b = uniform(name + ".bias", {nout}, -0.05f, 0.05f);
  ir::Attributes a;
  a.set("alpha", 1.f);
  a.set("beta", 1.f);
  a.set("transB", int64_t(1));
  return node(name, "Gemm", {x, w, b}, std::move(a), {n, nout}, out);
}

ir::ValueId NetBuilder::add(const std::string& name, ir::ValueId a, ir::ValueId b) {
  if (shape(a) != shape(b))
    throw Error(fmt::format("zoo: add '{}' joins {} and {}", name, ir::shape_str(shape(a)), ir::shape_str(shape(b))));
  return node(name, "Add", {a, b}, {}, shape(a));
}

ir::ValueId NetBuilder::concat(const std::string& name, const std::vector<ir::ValueId>& xs, int64_t axis) {
  ir::Shape out = shape(xs.at(0));
  out.at(size_t(axis)) = 0;
  for (ir::ValueId x : xs) out[size_t(axis)] += shape(x).at(size_t(axis));
  ir::Attributes a;
  a.set("axis", axis);
  return node(name, "Concat", xs, std::move(a), out);
}

ir::Graph NetBuilder::finish() {
  ir::verify(g_);
  return std::move(g_);
}

}  // namespace systole::zoo
