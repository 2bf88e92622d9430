// Test helpers for the network pipeline: optimize + quantize a float graph, and run a
// quantized graph through compile_network + Runtime on the hls backend next to the integer
// reference, expecting bit-identical outputs.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/net/codegen.hpp"
#include "compiler/net/pipeline.hpp"
#include "compiler/net/runtime.hpp"
#include "compiler/quant/quantize.hpp"
#include "compiler/quant/reference.hpp"
#include "driver/device.hpp"

namespace systole::test {

// ir::optimize, then post-training quantization over `samples` seeded random inputs.
inline quant::QGraph optimize_and_quantize(ir::Graph& g, int samples = 3, uint64_t seed = 7,
                                           quant::QuantizeOptions opt = {}) {
  ir::optimize(g);
  net::LoadedModel m;
  m.graph = g;
  return net::quantize_model(m, {}, samples, seed, opt);
}

inline std::vector<std::vector<int8_t>> random_qinputs(const quant::QGraph& q, uint64_t seed) {
  std::vector<std::vector<int8_t>> in;
  uint64_t s = seed * 2654435761u + 1;
  for (int t : q.inputs) {
    std::vector<int8_t> v(size_t(q.tensors[size_t(t)].numel()));
    for (int8_t& x : v) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      x = int8_t(s >> 56);
    }
    in.push_back(std::move(v));
  }
  return in;
}

struct NetCheck {
  net::CompiledNet net;
  net::RunResult run;
  std::vector<quant::TensorData> ref;
};

// Compiles and runs on the hls backend; expects the outputs to equal the reference's.
inline NetCheck run_checked(quant::QGraph q, const std::string& config, net::PlacePolicy policy,
                            const std::vector<std::vector<int8_t>>& inputs) {
  NetCheck c;
  const Config cfg = load_config(config);
  net::CompileOptions co;
  co.place.policy = policy;
  c.net = net::compile_network(std::move(q), cfg, co);
  auto dev = driver::Device::open("hls", cfg);
  {
    net::Runtime rt(*dev, c.net);
    c.run = rt.run(inputs);
  }
  c.ref = quant::run_reference(c.net.graph, inputs);
  for (size_t i = 0; i < c.net.graph.outputs.size(); ++i) {
    const std::vector<int8_t>& want = c.ref[size_t(c.net.graph.outputs[i])];
    EXPECT_EQ(c.run.outputs[i], want) << "output " << i << " differs from the integer reference (" << config << ")";
  }
  // Every device buffer was freed with the runtime.
  EXPECT_TRUE(dev->buffers().empty());
  return c;
}

}  // namespace systole::test
