// Run-time CPU ceilings (see cpu_ceilings.hpp): timing harness, working-set sweep, level
// extraction and the per-machine JSON cache. The measured loops are in ceiling_kernels.cpp.
#include "roofline/cpu_ceilings.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "kernels/cpu/cpu_features.hpp"
#include "roofline/ceiling_kernels.hpp"

namespace systole::roofline {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Runs body(thread_index) on `threads` threads released together; returns the wall time from
// the release to the last finish (an all-cores rate is total work / this time).
double run_parallel(int threads, const std::function<void(int)>& body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      body(t);
    });
  while (ready.load() < threads - 1) std::this_thread::yield();
  const auto t0 = Clock::now();
  go.store(true, std::memory_order_release);
  body(0);
  for (auto& th : pool) th.join();
  return seconds_since(t0);
}

// Best rate (units/s) of `trials` runs of body(iters), with iters grown until one run takes
// at least min_seconds. body returns the units of work done.
double best_rate(int threads, double min_seconds, int trials, const std::function<double(uint64_t)>& body) {
  uint64_t iters = 1000;
  for (;;) {
    const auto t0 = Clock::now();
    body(iters);
    const double s = seconds_since(t0);
    if (s >= min_seconds / 4) {
      iters = uint64_t(double(iters) * min_seconds / s) + 1;
      break;
    }
    iters *= 4;
  }
  double best = 0;
  for (int r = 0; r < trials; ++r) {
    std::atomic<double> work{0};
    const double s = run_parallel(threads, [&](int) {
      const double w = body(iters);
      double cur = work.load();
      while (!work.compare_exchange_weak(cur, cur + w)) {
      }
    });
    best = std::max(best, work.load() / s);
  }
  return best;
}

struct AlignedBuf {
  std::unique_ptr<uint8_t, void (*)(void*)> p{nullptr, std::free};
  size_t bytes = 0;
  explicit AlignedBuf(size_t n) : p(static_cast<uint8_t*>(std::aligned_alloc(4096, n)), std::free), bytes(n) {
    if (!p) throw std::bad_alloc();
    for (size_t i = 0; i < n; ++i) p.get()[i] = uint8_t(i * 131);  // fault pages in, non-zero data
  }
};

size_t round512(double b) { return std::max<size_t>(512, size_t(b) / 512 * 512); }

// Read bandwidth (bytes/s) with `threads` threads each streaming its own ws-byte buffer.
double read_bandwidth(std::vector<AlignedBuf>& bufs, size_t ws, int threads, double target_bytes, int trials,
                      int isa_level) {
  ws = round512(double(ws));
  const int passes = std::max(1, int(target_bytes / double(ws)));
  std::atomic<uint64_t> sink{0};
  double best = 0;
  for (int r = 0; r < trials + 1; ++r) {  // the first run warms the caches and is not counted
    const double s = run_parallel(threads, [&](int t) {
      sink.fetch_add(detail::read_stream(bufs[size_t(t)].p.get(), ws, passes, isa_level));
    });
    if (r > 0) best = std::max(best, double(ws) * passes * threads / s);
  }
  return best;
}

// Cache sizes from sysfs (per core for L1/L2, shared L3); sysconf and typical values as fallback.
void cache_sizes(double out[3]) {
  const double fallback[3] = {32768, 1 << 20, 32 << 20};
  const int sc[3] = {_SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL2_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE};
  for (int i = 0; i < 3; ++i) out[i] = 0;
  for (int idx = 0; idx < 8; ++idx) {
    const fs::path d = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(idx);
    std::ifstream lf(d / "level"), tf(d / "type"), sf(d / "size");
    int level = 0;
    std::string type, size;
    if (!(lf >> level) || !(tf >> type) || !(sf >> size) || type == "Instruction" || level < 1 || level > 3) continue;
    double v = std::atof(size.c_str());
    if (size.back() == 'K') v *= 1024;
    if (size.back() == 'M') v *= 1024 * 1024;
    out[level - 1] = v;
  }
  for (int i = 0; i < 3; ++i) {
    if (out[i] <= 0) out[i] = double(sysconf(sc[i]));
    if (out[i] <= 0) out[i] = fallback[i];
  }
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

std::string cpu_model_string() { return cpu::cpu_features().brand; }

std::string default_cache_path() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home && *home ? home : "/tmp") / ".cache";
  return (base / "systole" / "cpu_ceilings.json").string();
}

CpuCeilings measure_cpu_ceilings(const CeilingOptions& opt) {
  const auto t_start = Clock::now();
  const cpu::CpuFeatures& f = cpu::cpu_features();
  CpuCeilings c;
  c.cpu_model = cpu_model_string();
  c.threads = opt.threads > 0 ? opt.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  c.measured_at = utc_now();
  const double secs = opt.quick ? 0.01 : 0.1;
  const int trials = opt.quick ? 2 : 5;

  // Compute peaks: the widest int8 dot product and fp32 FMA this CPU has.
  std::atomic<int> isink{0};
  std::atomic<float> fsink{0};
  std::function<double(uint64_t)> int8_body, fp32_body;
  if (f.avx512_vnni) {
    c.int8_isa = "avx512_vnni";
    int8_body = [&](uint64_t n) { int s; const double w = detail::int8_vnni_loop(n, &s); isink += s; return w; };
  } else if (f.avx2) {
    c.int8_isa = "avx2";
    int8_body = [&](uint64_t n) { int s; const double w = detail::int8_avx2_loop(n, &s); isink += s; return w; };
  }
  if (f.avx512f) {
    c.fp32_isa = "avx512";
    fp32_body = [&](uint64_t n) { float s; const double w = detail::fp32_avx512_loop(n, &s); fsink = s; return w; };
  } else if (f.avx2) {
    c.fp32_isa = "avx2_fma";
    fp32_body = [&](uint64_t n) { float s; const double w = detail::fp32_avx2_loop(n, &s); fsink = s; return w; };
  } else {
    c.fp32_isa = "scalar";
    fp32_body = [&](uint64_t n) { float s; const double w = detail::fp32_scalar_loop(n, &s); fsink = s; return w; };
  }
  if (int8_body) {
    c.int8_gops_core = best_rate(1, secs, trials, int8_body) / 1e9;
    c.int8_gops_all = best_rate(c.threads, secs, trials, int8_body) / 1e9;
  } else {
    c.int8_isa = "scalar";  // no SIMD integer dot product: the fp32 scalar rate is the stand-in
  }
  c.fp32_gflops_core = best_rate(1, secs, trials, fp32_body) / 1e9;
  c.fp32_gflops_all = best_rate(c.threads, secs, trials, fp32_body) / 1e9;
  if (!int8_body) c.int8_gops_core = c.fp32_gflops_core, c.int8_gops_all = c.fp32_gflops_all;

  // Bandwidth: a single-thread working-set sweep from 4 KiB to 8x L3 (4x when quick).
  cache_sizes(c.cache_bytes);
  const int isa_level = f.avx512f ? 2 : (f.avx2 ? 1 : 0);
  const double dram_ws = c.cache_bytes[2] * (opt.quick ? 4 : 8);
  const double target = opt.quick ? 32e6 : 256e6;  // bytes streamed per timed run
  std::vector<AlignedBuf> one;
  one.emplace_back(round512(dram_ws));
  const double step = opt.quick ? 2.0 : std::sqrt(2.0);
  for (double ws = 4096; ws <= dram_ws * 1.001; ws *= step) {
    const bool in_dram = ws > 2 * c.cache_bytes[2];
    const double gbps = read_bandwidth(one, round512(ws), 1, in_dram ? 2 * ws : target, in_dram ? 1 : trials, isa_level) / 1e9;
    c.sweep.push_back({double(round512(ws)), gbps});
  }
  // Level plateaus: best point with the working set in (previous level, half this level];
  // DRAM: best point beyond 4x L3, where no cache level can hold it.
  const double lo[4] = {0, c.cache_bytes[0], c.cache_bytes[1], 4 * c.cache_bytes[2] * 0.999};
  const double hi[4] = {c.cache_bytes[0] / 2, c.cache_bytes[1] / 2, c.cache_bytes[2] / 2, 1e30};
  for (const BandwidthPoint& p : c.sweep)
    for (int l = 0; l < 4; ++l)
      if (p.bytes > lo[l] && p.bytes <= hi[l]) c.bw_core[l] = std::max(c.bw_core[l], p.gbps);
  one.clear();

  // All cores at one working set per level (private L1/L2 per core; L3 and DRAM shared).
  const int T = c.threads;
  const double ws_all[4] = {c.cache_bytes[0] / 2, c.cache_bytes[1] / 2, c.cache_bytes[2] / (2.0 * T), dram_ws / T};
  std::vector<AlignedBuf> bufs;
  for (int t = 0; t < T; ++t) bufs.emplace_back(round512(ws_all[3] > ws_all[2] ? ws_all[3] : ws_all[2]));
  for (int l = 0; l < 4; ++l)
    c.bw_all[l] = read_bandwidth(bufs, round512(ws_all[l]), T, l == 3 ? 2 * ws_all[3] : target, l == 3 ? 2 : trials,
                                 isa_level) / 1e9;
  c.measure_seconds = seconds_since(t_start);
  return c;
}

nlohmann::json to_json(const CpuCeilings& c) {
  nlohmann::json j;
  j["cpu_model"] = c.cpu_model;
  j["threads"] = c.threads;
  j["measured_at"] = c.measured_at;
  j["measure_seconds"] = c.measure_seconds;
  j["int8"] = {{"isa", c.int8_isa}, {"gops_per_core", c.int8_gops_core}, {"gops_all_cores", c.int8_gops_all}};
  j["fp32"] = {{"isa", c.fp32_isa}, {"gflops_per_core", c.fp32_gflops_core}, {"gflops_all_cores", c.fp32_gflops_all}};
  for (int l = 0; l < 4; ++l) {
    j["bandwidth_gbps"]["per_core"][kLevelNames[l]] = c.bw_core[l];
    j["bandwidth_gbps"]["all_cores"][kLevelNames[l]] = c.bw_all[l];
  }
  j["cache_bytes"] = {{"l1d", c.cache_bytes[0]}, {"l2", c.cache_bytes[1]}, {"l3", c.cache_bytes[2]}};
  j["sweep"] = nlohmann::json::array();
  for (const auto& p : c.sweep) j["sweep"].push_back({{"bytes", p.bytes}, {"gbps", p.gbps}});
  return j;
}

CpuCeilings ceilings_from_json(const nlohmann::json& j) {
  CpuCeilings c;
  c.cpu_model = j.at("cpu_model").get<std::string>();
  c.threads = j.at("threads").get<int>();
  c.measured_at = j.value("measured_at", "");
  c.measure_seconds = j.value("measure_seconds", 0.0);
  c.int8_isa = j.at("int8").at("isa").get<std::string>();
  c.int8_gops_core = j.at("int8").at("gops_per_core").get<double>();
  c.int8_gops_all = j.at("int8").at("gops_all_cores").get<double>();
  c.fp32_isa = j.at("fp32").at("isa").get<std::string>();
  c.fp32_gflops_core = j.at("fp32").at("gflops_per_core").get<double>();
  c.fp32_gflops_all = j.at("fp32").at("gflops_all_cores").get<double>();
  for (int l = 0; l < 4; ++l) {
    c.bw_core[l] = j.at("bandwidth_gbps").at("per_core").at(kLevelNames[l]).get<double>();
    c.bw_all[l] = j.at("bandwidth_gbps").at("all_cores").at(kLevelNames[l]).get<double>();
  }
  c.cache_bytes[0] = j.at("cache_bytes").at("l1d").get<double>();
  c.cache_bytes[1] = j.at("cache_bytes").at("l2").get<double>();
  c.cache_bytes[2] = j.at("cache_bytes").at("l3").get<double>();
  for (const auto& p : j.value("sweep", nlohmann::json::array()))
    c.sweep.push_back({p.at("bytes").get<double>(), p.at("gbps").get<double>()});
  return c;
}

CpuCeilings cpu_ceilings(const CeilingOptions& opt) {
  const bool use_file = opt.cache_path != "-";
  const std::string path = opt.cache_path.empty() ? default_cache_path() : opt.cache_path;
  const std::string key = cpu_model_string();
  const int threads = opt.threads > 0 ? opt.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  nlohmann::json db = nlohmann::json::object();
  if (use_file) {
    std::ifstream in(path);
    if (in) {
      try {
        in >> db;
      } catch (const nlohmann::json::exception&) {
        db = nlohmann::json::object();  // a corrupt cache is re-measured, not fatal
      }
    }
    if (!db.is_object()) db = nlohmann::json::object();
    if (!opt.remeasure && db.contains(key)) {
      try {
        CpuCeilings c = ceilings_from_json(db[key]);
        if (c.threads == threads) return c;
      } catch (const nlohmann::json::exception&) {
      }
    }
  }
  CeilingOptions o = opt;
  o.threads = threads;
  CpuCeilings c = measure_cpu_ceilings(o);
  if (use_file) {
    db[key] = to_json(c);
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(tmp);
      out << db.dump(2) << "\n";
    }
    fs::rename(tmp, path, ec);  // atomic replace: concurrent readers never see half a file
    if (ec) fs::remove(tmp, ec);
  }
  return c;
}

}  // namespace systole::roofline
