// Calibration: runs the float reference executor (compiler/ir/exec) over sample inputs and
// records the range of every float value it computes, with a min/max or a percentile
// observer. The quantizer turns these ranges into activation scales and zero points.
#pragma once
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::quant {

enum class Observer { MinMax, Percentile };

struct CalibrationOptions {
  Observer observer = Observer::MinMax;
  // Percentile observer: per sample, the lower bound is the (100 - p)-th and the upper the
  // p-th percentile of the value's elements; the samples' bounds are averaged.
  double percentile = 99.99;
};

struct Range {
  float lo = 0, hi = 0;
  bool seen = false;
};

// ranges[v] for every value id v of g (unseen for values the executor does not compute, and
// for non-float values). Each sample is one input list in g.inputs order.
std::vector<Range> calibrate(const ir::Graph& g, const std::vector<std::vector<ir::Tensor>>& samples,
                             const CalibrationOptions& opt = {});

}  // namespace systole::quant
