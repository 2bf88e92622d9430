// The per-layer roofline table of one network: every convolution / GEMM layer (GEMMs are 1x1
// convolutions in the quantized graph) as a point on the accelerator's roofline (achieved
// throughput from the device counters of a run through the same pipeline as `systole run`,
// hls or rtl backend) and on the CPU's (the fastest own int8 kernel and oneDNN, timed here),
// plus the analytical cost model's cycles for each accelerator layer against the measured
// ones (model validation). docs/roofline.md defines every field.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/net/placement.hpp"
#include "roofline/accel_ceilings.hpp"
#include "roofline/cpu_ceilings.hpp"
#include "roofline/cpu_layer_bench.hpp"

namespace systole::roofline {

struct ReportOptions {
  std::string model;                 // zoo name or .onnx path
  std::string config = "default";    // preset or TOML file
  std::string backend = "hls";       // driver backend the counters come from (hls, rtl)
  std::string synth;                 // synthesis report.json whose fmax_mhz sets the clock ("" = config clock)
  net::PlacePolicy place = net::PlacePolicy::Auto;  // as `systole run --place`
  bool cpu = true;                   // time the CPU points (own kernels, oneDNN)
  CpuTimingBudget cpu_budget;
  CeilingOptions cpu_ceilings;       // cached CPU ceilings (measured when absent)
  bool check = true;                 // compare the run's outputs with the integer reference
  uint64_t seed = 1;                 // input and calibration seed (as `systole run`)
  int calib = 4;
  std::function<void(const std::string&)> progress;  // one line per phase / layer (may be empty)
};

struct CpuPoint {
  bool timed = false;
  std::string impl;         // own: "im2col" / "kn2row" / "direct"; oneDNN: its implementation name
  double seconds = 0;       // best time of one run
  double ops_per_s = 0;     // 2·MACs / seconds
  double pct_of_roof = 0;   // ops_per_s / the CPU bound at this layer's intensity, in %
  std::string error;        // why there is no point (oneDNN rejected the shape, ...)
};

struct LayerPoint {
  int number = 0;           // 1-based label of the point on the plots
  size_t op = 0;            // index of the op in the quantized graph
  std::string name, onnx_op, conv;  // conv: the geometry (ConvShape::to_string)
  std::string placement;    // "accel" or "cpu" (where the network ran it), reason alongside
  std::string reason;
  uint64_t macs = 0;
  double ops = 0;           // 2·MACs

  // Accelerator point (accel = false when the layer was placed on the CPU).
  bool accel = false;
  uint64_t cycles = 0, dram_rd = 0, dram_wr = 0;  // device counters of the layer's program
  double accel_seconds = 0;       // cycles / f
  double accel_intensity = 0;     // ops / (dram_rd + dram_wr): counted DMA data bytes
  double accel_bound = 0;         // min(peak, DRAM bandwidth · intensity), ops/s
  std::string accel_bound_by;     // "compute" or "DRAM"
  double accel_ops_per_s = 0;     // ops / accel_seconds
  double accel_pct_of_roof = 0;   // accel_ops_per_s / accel_bound, in %
  double utilization = 0;         // MACs / (cycles · DIM²)
  std::string tiling;
  double model_cycles = 0;        // compiler/cost_model's estimate for the tiling the compiler chose
  double model_error_pct = 0;     // (model - measured) / measured, in %
  bool has_energy = false;
  double energy_pj = 0;           // roofline/energy.hpp estimate from the cost model's access counts

  // CPU point (compulsory bytes: see cpu_compulsory_bytes).
  uint64_t cpu_bytes = 0;
  double cpu_intensity = 0;       // ops / cpu_bytes
  double cpu_bound = 0;           // min(int8 peak per core, DRAM bandwidth per core · intensity)
  std::string cpu_bound_by;
  CpuPoint own, onednn;
};

struct ValidationSummary {
  size_t layers = 0;         // accelerator conv/GEMM layers compared
  double max_abs_pct = 0;    // max |model error|
  double mean_abs_pct = 0;   // mean |model error|
  std::string worst;         // the layer with the largest |error|
  double total_measured = 0, total_model = 0;  // cycles over those layers
};

struct RooflineReport {
  std::string model;         // as given
  std::string source;        // "zoo:resnet50" or the path
  std::string backend;
  std::string place;         // placement policy: "auto", "accel", "cpu"
  Config cfg;
  AccelCeilings accel;
  bool has_cpu = false;
  CpuCeilings cpu;
  std::string cpu_isa;       // the own kernels' ISA variant
  bool has_onednn = false;
  bool checked = false, bit_exact = false;  // outputs compared with the integer reference
  std::vector<LayerPoint> layers;
  ValidationSummary validation;
  bool has_energy = false;   // the energy column is filled
  std::string energy_source; // the energy table's citation (roofline/energy.hpp)
  uint64_t accel_cycles = 0; // over the accelerator layers of the table
  double wall_seconds = 0;
};

// Runs the whole thing: load, quantize, compile and run the network on the backend, read the
// per-layer counters, evaluate the cost model, time the CPU points. Throws systole::Error with
// a message naming what is wrong (unknown model, backend, unreadable synthesis report, ...).
RooflineReport build_report(const ReportOptions& opt);

// Fills the derived fields (intensities, bounds, percentages, validation summary) from the
// measured ones; build_report calls it, tests use it on hand-made tables.
void finish_report(RooflineReport& r);

ValidationSummary summarize_validation(const std::vector<LayerPoint>& layers);

}  // namespace systole::roofline
