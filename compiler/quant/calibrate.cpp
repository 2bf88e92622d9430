// Min/max and percentile observers over the float executor's values (see calibrate.hpp).
#include "compiler/quant/calibrate.hpp"

#include <algorithm>

#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"

namespace systole::quant {

namespace {
// The (lo_q, hi_q) quantiles of x (q in [0, 1]); x is reordered.
std::pair<float, float> quantiles(std::vector<float>& x, double q) {
  const size_t n = x.size();
  const size_t hi_i = std::min(n - 1, size_t(double(n - 1) * q + 0.5));
  const size_t lo_i = n - 1 - hi_i;
  std::nth_element(x.begin(), x.begin() + long(hi_i), x.end());
  const float hi = x[hi_i];
  std::nth_element(x.begin(), x.begin() + long(lo_i), x.begin() + long(hi_i) + 1);
  return {x[lo_i], hi};
}
}  // namespace

std::vector<Range> calibrate(const ir::Graph& g, const std::vector<std::vector<ir::Tensor>>& samples,
                             const CalibrationOptions& opt) {
  if (samples.empty()) throw Error("calibration needs at least one sample input");
  if (!(opt.percentile > 50 && opt.percentile <= 100)) throw Error("calibration percentile must be in (50, 100]");
  std::vector<Range> r(g.values.size());
  std::vector<double> lo_sum(g.values.size()), hi_sum(g.values.size());
  std::vector<int> count(g.values.size());
  std::vector<float> scratch;
  ir::RunOptions ro;
  ro.observe = [&](ir::ValueId v, const ir::Tensor& t) {
    if (t.dtype != ir::DType::f32 || t.numel() == 0) return;
    const float* p = t.data<float>();
    const size_t n = size_t(t.numel());
    float lo, hi;
    if (opt.observer == Observer::MinMax || n < 2) {
      const auto [a, b] = std::minmax_element(p, p + n);
      lo = *a, hi = *b;
    } else {
      scratch.assign(p, p + n);
      std::tie(lo, hi) = quantiles(scratch, opt.percentile / 100.0);
    }
    Range& x = r[size_t(v)];
    const size_t i = size_t(v);
    lo_sum[i] += lo, hi_sum[i] += hi, ++count[i];
    if (opt.observer == Observer::MinMax) {
      x.lo = x.seen ? std::min(x.lo, lo) : lo;
      x.hi = x.seen ? std::max(x.hi, hi) : hi;
    } else {
      x.lo = float(lo_sum[i] / count[i]);
      x.hi = float(hi_sum[i] / count[i]);
    }
    x.seen = true;
  };
  for (const auto& s : samples) ir::run(g, s, ro);
  return r;
}

}  // namespace systole::quant
