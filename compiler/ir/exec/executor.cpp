// Executor driver: op dispatch, per-node error context, and the whole-graph run loop.
#include "compiler/ir/exec/executor.hpp"

#include <unordered_map>

#include "compiler/ir/exec/kernels.hpp"

namespace systole::ir {

static exec::Kernel find_kernel(const std::string& op) {
  using namespace exec;
  static const std::unordered_map<std::string, Kernel> k = {
      {"Conv", conv}, {"ConvInteger", conv_integer}, {"QLinearConv", qlinear_conv},
      {"Gemm", gemm}, {"MatMul", matmul}, {"MatMulInteger", matmul_integer}, {"QLinearMatMul", qlinear_matmul},
      {"MaxPool", max_pool}, {"AveragePool", average_pool}, {"GlobalAveragePool", global_average_pool},
      {"Add", binary}, {"Sub", binary}, {"Mul", binary}, {"Div", binary},
      {"Relu", relu}, {"Clip", clip}, {"BatchNormalization", batch_norm},
      {"QuantizeLinear", quantize_linear}, {"DequantizeLinear", dequantize_linear},
      {"Reshape", copy_reshape}, {"Flatten", copy_reshape}, {"Squeeze", copy_reshape}, {"Unsqueeze", copy_reshape},
      {"Identity", copy_reshape}, {"Concat", concat}, {"Transpose", transpose}, {"Shape", shape_of},
      {"Gather", gather}, {"Cast", cast_kernel},
  };
  auto it = k.find(op);
  if (it == k.end()) throw Error("no reference kernel for this op");
  return it->second;
}

std::vector<Tensor> run_node(const Graph& g, const Node& n, const std::vector<const Tensor*>& in) {
  std::vector<Tensor> out;
  try {
    for (ValueId o : n.outputs)
      if (!g.value(o).shape_known) throw Error(fmt::format("output '{}' has no inferred shape (run infer_shapes first)", g.value(o).name));
    exec::KernelArgs a{g, n, in, out};
    find_kernel(n.op)(a);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", n.label(), e.what()));
  }
  return out;
}

std::vector<Tensor> run(const Graph& g, const std::vector<Tensor>& inputs, const RunOptions& opt) {
  if (inputs.size() != g.inputs.size())
    throw Error(fmt::format("graph '{}' takes {} inputs, got {}", g.name, g.inputs.size(), inputs.size()));
  std::vector<const Tensor*> env(g.values.size(), nullptr);
  std::vector<Tensor> storage(g.values.size());
  for (size_t i = 0; i < g.values.size(); ++i)
    if (g.values[i].is_const()) env[i] = &*g.values[i].data;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.value(g.inputs[i]);
    if (inputs[i].dtype != v.dtype || inputs[i].shape != v.shape)
      throw Error(fmt::format("input '{}' is declared {}{}, got {}{}", v.name, dtype_name(v.dtype), shape_str(v.shape),
                              dtype_name(inputs[i].dtype), shape_str(inputs[i].shape)));
    env[size_t(g.inputs[i])] = &inputs[i];
    if (opt.observe) opt.observe(g.inputs[i], inputs[i]);
  }
  // Free intermediates after their last use: large networks would otherwise hold every activation.
  std::vector<int> last_use(g.values.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (ValueId v : g.nodes[i].inputs)
      if (v != kNoValue) last_use[size_t(v)] = int(i);
  for (ValueId v : g.outputs) last_use[size_t(v)] = int(g.nodes.size());

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    std::vector<const Tensor*> in;
    for (ValueId v : n.inputs) {
      if (v != kNoValue && !env[size_t(v)] && n.op != "Shape")
        throw Error(fmt::format("{}: input '{}' has not been computed", n.label(), g.value(v).name));
      in.push_back(v == kNoValue ? nullptr : env[size_t(v)]);
    }
    std::vector<Tensor> out = run_node(g, n, in);
    for (size_t k = 0; k < n.outputs.size(); ++k) {
      const size_t o = size_t(n.outputs[k]);
      storage[o] = std::move(out.at(k));
      env[o] = &storage[o];
      if (opt.observe) opt.observe(ValueId(o), storage[o]);
    }
    for (ValueId v : n.inputs)
      if (v != kNoValue && last_use[size_t(v)] == int(i) && !g.value(v).is_const()) storage[size_t(v)] = Tensor();
  }
  std::vector<Tensor> result;
  for (ValueId v : g.outputs) {
    if (!env[size_t(v)]) throw Error(fmt::format("graph output '{}' was not computed", g.value(v).name));
    result.push_back(*env[size_t(v)]);
  }
  return result;
}

std::map<std::string, Tensor> run(const Graph& g, const std::map<std::string, Tensor>& inputs, const RunOptions& opt) {
  std::vector<Tensor> in;
  for (ValueId v : g.inputs) {
    auto it = inputs.find(g.value(v).name);
    if (it == inputs.end()) throw Error(fmt::format("no data for graph input '{}'", g.value(v).name));
    in.push_back(it->second);
  }
  std::vector<Tensor> out = run(g, in, opt);
  std::map<std::string, Tensor> m;
  for (size_t i = 0; i < out.size(); ++i) m[g.value(g.outputs[i]).name] = std::move(out[i]);
  return m;
}

}  // namespace systole::ir
