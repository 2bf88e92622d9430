// Float vs quantized agreement (see accuracy.hpp).
#include "compiler/quant/accuracy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/quant/reference.hpp"

namespace systole::quant {

void accumulate(Agreement& a, const QGraph& q, const std::vector<ir::Tensor>& want, const std::vector<std::vector<int8_t>>& got) {
  if (want.size() != q.outputs.size() || got.size() != q.outputs.size())
    throw Error(fmt::format("accuracy: {} float and {} quantized outputs for a graph with {}", want.size(), got.size(), q.outputs.size()));
  double dot = 0, nw = 0, ng = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const QTensor& t = q.tensors[size_t(q.outputs[i])];
    const std::vector<float> deq = dequantize_output(t, got[i].data());
    if (want[i].dtype != ir::DType::f32 || int64_t(deq.size()) != want[i].numel())
      throw Error(fmt::format("accuracy: output '{}' is not a float tensor of {} elements", t.name, deq.size()));
    const float* w = want[i].data<float>();
    for (size_t k = 0; k < deq.size(); ++k) {
      a.max_abs_error = std::max(a.max_abs_error, std::fabs(double(w[k]) - deq[k]));
      a.max_abs_ref = std::max(a.max_abs_ref, std::fabs(double(w[k])));
      dot += double(w[k]) * deq[k], nw += double(w[k]) * w[k], ng += double(deq[k]) * deq[k];
    }
    if (i == 0) {  // top-1 per row of the first output's last axis
      const int64_t cols = want[i].shape.empty() ? 1 : want[i].shape.back();
      for (int64_t r = 0; r * cols < int64_t(deq.size()); ++r) {
        const float* wr = w + r * cols;
        const float* gr = deq.data() + r * cols;
        a.top1_agree += (std::max_element(wr, wr + cols) - wr) == (std::max_element(gr, gr + cols) - gr);
        ++a.top1_total;
      }
    }
  }
  a.dot_ += dot, a.nw_ += nw, a.ng_ += ng;
  a.cosine = (a.nw_ > 0 && a.ng_ > 0) ? a.dot_ / std::sqrt(a.nw_ * a.ng_) : (a.nw_ == a.ng_ ? 1.0 : 0.0);
}

Agreement compare(const ir::Graph& float_graph, const QGraph& q, const std::vector<std::vector<ir::Tensor>>& inputs) {
  Agreement a;
  for (const auto& in : inputs) {
    const std::vector<ir::Tensor> want = ir::run(float_graph, in);
    std::vector<TensorData> qin;
    for (size_t i = 0; i < in.size(); ++i)
      qin.push_back(quantize_input(q.tensors[size_t(q.inputs[i])], in[i].data<float>(), size_t(in[i].numel())));
    const std::vector<TensorData> all = run_reference(q, qin);
    std::vector<std::vector<int8_t>> got;
    for (int o : q.outputs) got.push_back(all[size_t(o)]);
    accumulate(a, q, want, got);
  }
  return a;
}

}  // namespace systole::quant
