// Design-space exploration: a sweep over config keys (the cartesian product of the values
// given for each), evaluated from the layer shapes of a network with the cost model alone
// (the tiling search and estimate of every accelerator layer: no compile, no codegen, no
// simulation), plus the energy and area models. Shards split a sweep for job arrays;
// dse_io.hpp writes, merges and plots the results. docs/dse.md describes it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/cost_model.hpp"
#include "roofline/area.hpp"
#include "roofline/energy.hpp"

namespace systole::roofline {

// ---- Sweeps ---------------------------------------------------------------------------

// Every sweepable key as section.key (the config key table, arch/config.cpp), and the
// aliases the sweep also accepts (Config member names: spad_kib, dram_bytes_per_cycle, ...).
std::vector<std::string> config_keys();
std::vector<std::pair<std::string, std::string>> config_key_aliases();  // alias -> section.key
// section.key for a key as the user wrote it (section.key, a unique bare key, an alias);
// throws systole::Error listing the valid keys when unknown.
std::string canonical_key(const std::string& key);

struct SweepAxis {
  std::string key;        // as written (CSV column name)
  std::string canonical;  // section.key
  std::vector<std::string> values;
};

struct Sweep {
  std::vector<SweepAxis> axes;
  uint64_t size() const;                             // product of the value counts (1 when no axes)
  std::vector<std::string> values(uint64_t i) const; // point i: the last axis varies fastest
  std::string signature() const;                     // "dim=8,16 scratchpad.size_kib=64,256"
};

// "KEY=V1,V2,..." each; a key may appear once. Values are not checked here (a bad value makes
// an invalid point, recorded with its reason).
Sweep parse_sweep(const std::vector<std::string>& specs);

// `base` with point i's values applied, validated once with all of them in place (an
// intermediate combination never fails). Throws systole::Error naming the keys at fault.
Config apply_point(const Config& base, const Sweep& sw, uint64_t i);

// Shards: "i/N" (0 <= i < N); shard i holds the points with index % N == i.
struct Shard {
  uint32_t index = 0, count = 1;
  bool holds(uint64_t point) const { return point % count == index; }
  std::string to_string() const;
};
Shard parse_shard(const std::string& s);
std::vector<uint64_t> shard_points(uint64_t total, const Shard& sh);

// ---- The network as the evaluator sees it --------------------------------------------

struct DseLayer {
  std::string name;         // first op with this shape
  compiler::ConvShape shape;
  uint32_t count = 1;       // ops with this exact shape (evaluated once)
};

struct DseModel {
  std::string name;
  std::vector<DseLayer> layers;  // accelerator convolutions / GEMMs, identical shapes merged
  size_t conv_ops = 0;           // all accelerator-capable ops (counts summed)
  size_t cpu_ops = 0;            // ops the accelerator cannot take (pools, adds, asymmetric weights)
  uint64_t macs = 0;
};

// Loads a zoo model or .onnx file through the compile path up to quantization (one
// calibration sample: only shapes are used) and collects its convolution shapes.
DseModel extract_model(const std::string& model, uint64_t seed = 1);
// From explicit shapes (tests, tools).
DseModel model_from_shapes(const std::string& name, const std::vector<std::pair<std::string, compiler::ConvShape>>& shapes);

// ---- Evaluation -----------------------------------------------------------------------

struct LayerResult {
  bool fits = false;
  std::string why;  // when !fits
  compiler::ConvTiling tiling;
  compiler::CostEstimate estimate;
};

// The cost model's tiling and estimate of every layer of m on cfg (choose_conv_tiling +
// estimate_conv); a layer that does not fit is recorded, not thrown.
std::vector<LayerResult> evaluate_layers(const Config& cfg, const DseModel& m);

struct PointResult {
  uint64_t index = 0;
  std::vector<std::string> values;  // the sweep's values of this point
  std::string status = "ok";        // ok | invalid (config) | no_fit (a layer does not fit)
  std::string reason;
  double latency_cycles = 0, latency_ms = 0, utilization = 0;
  uint64_t macs = 0, dram_bytes = 0;
  EnergyBreakdown energy;
  AreaEstimate area;                // area.synth is not kept past the evaluation: synth_* below
  double lut = -1, ff = -1, dsp = -1, bram = -1;  // from a matching synth report, else -1
  bool ok() const { return status == "ok"; }
};

struct DseOptions {
  EnergyTable energy = default_energy_table();
  AreaTable area = default_area_table();
  std::vector<SynthArea> synth;
  unsigned jobs = 1;
  // Called from worker threads as configurations finish (done, total).
  std::function<void(uint64_t, uint64_t)> progress;
};

struct DseStats {
  uint64_t points = 0, cost_configs = 0, layer_evals = 0;
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // CPU time of the process over the same span (all threads)
};

// Point i of the sweep from already-evaluated layers (the layers depend only on the cost
// model's inputs, so points differing only in clock, banks or DRAM size share them).
PointResult make_point(const Config& cfg, const DseModel& m, const std::vector<LayerResult>& layers, const DseOptions& o);

// Evaluates the given points of the sweep (all points of a shard), in index order.
std::vector<PointResult> run_sweep(const Config& base, const Sweep& sw, const DseModel& m, const std::vector<uint64_t>& points,
                                   const DseOptions& o, DseStats* stats = nullptr);

}  // namespace systole::roofline
