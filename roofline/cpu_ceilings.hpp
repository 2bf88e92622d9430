// CPU roofline ceilings measured at run time, the way the Empirical Roofline Toolkit does:
// compute peaks from unrolled loops of independent vector FMAs (int8 VNNI dot products and
// fp32 FMAs), memory bandwidth from a working-set sweep of a streaming read kernel (the
// plateaus give L1, L2, L3 and DRAM). Per core and all cores. Clocks vary, so nothing here is
// a constant: results are cached per machine (keyed by the CPU model string) in a JSON file,
// ~/.cache/systole/cpu_ceilings.json by default, and re-measured on request.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace systole::roofline {

struct BandwidthPoint {
  double bytes = 0;   // working set per thread
  double gbps = 0;    // single-thread read bandwidth
};

struct CpuCeilings {
  std::string cpu_model;     // CPUID brand string: the cache key
  int threads = 1;           // threads used for the "all cores" figures
  std::string int8_isa;      // instructions behind int8_gops: "avx512_vnni", "avx2" or "scalar"
  std::string fp32_isa;      // "avx512", "avx2_fma" or "scalar"
  double int8_gops_core = 0, int8_gops_all = 0;    // 2 ops per int8 MAC
  double fp32_gflops_core = 0, fp32_gflops_all = 0;  // 2 flops per FMA
  // Read bandwidth in GB/s (1e9 bytes/s) per level: L1, L2, L3, DRAM.
  double bw_core[4] = {0, 0, 0, 0};
  double bw_all[4] = {0, 0, 0, 0};
  double cache_bytes[3] = {0, 0, 0};  // L1d, L2, L3 sizes used to place the levels
  std::vector<BandwidthPoint> sweep;  // single-thread working-set sweep
  std::string measured_at;            // UTC, ISO 8601
  double measure_seconds = 0;
};

static constexpr const char* kLevelNames[4] = {"l1", "l2", "l3", "dram"};

struct CeilingOptions {
  int threads = 0;              // 0: all hardware threads
  bool quick = false;           // shorter runs and a coarser sweep (tests)
  bool remeasure = false;       // ignore the cache, measure, then update it
  std::string cache_path;       // "" = default_cache_path(); "-" = no cache file at all
};

std::string cpu_model_string();
std::string default_cache_path();  // $XDG_CACHE_HOME/systole/... or ~/.cache/systole/...

CpuCeilings measure_cpu_ceilings(const CeilingOptions& opt);
// Cached result for this CPU model (and thread count) when present, else measure and store.
CpuCeilings cpu_ceilings(const CeilingOptions& opt = {});

nlohmann::json to_json(const CpuCeilings& c);
CpuCeilings ceilings_from_json(const nlohmann::json& j);

}  // namespace systole::roofline
