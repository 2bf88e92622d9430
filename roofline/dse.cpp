// Sweeps, shards, shape extraction and the cost-model evaluation of design points (dse.hpp).
#include "roofline/dse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "arch/error.hpp"
#include "compiler/net/pipeline.hpp"

namespace systole::roofline {

// ---- Keys -------------------------------------------------------------------------------

std::vector<std::string> config_keys() {
  // The config's own TOML rendering lists every key of the key table once, in order: reading
  // it keeps this list from being a second copy of that table.
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    std::istringstream in(Config{}.to_toml());
    std::string line, section;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (line[0] == '[') {
        section = line.substr(1, line.find(']') - 1);
        continue;
      }
      const auto eq = line.find(" =");
      if (eq != std::string::npos) out.push_back(section + "." + line.substr(0, eq));
    }
    return out;
  }();
  return keys;
}

std::vector<std::pair<std::string, std::string>> config_key_aliases() {
  // The Config member names (arch/config.hpp), which docs and examples also use.
  return {{"spad_kib", "scratchpad.size_kib"},      {"spad_banks", "scratchpad.banks"},
          {"acc_kib", "accumulator.size_kib"},      {"acc_banks", "accumulator.banks"},
          {"dram_mib", "dram.size_mib"},            {"dram_bytes_per_cycle", "dram.bytes_per_cycle"},
          {"dram_latency", "dram.latency_cycles"},  {"clock_mhz", "clock.mhz"}};
}

std::string canonical_key(const std::string& key) {
  const auto keys = config_keys();
  if (std::count(keys.begin(), keys.end(), key)) return key;
  for (const auto& [alias, full] : config_key_aliases())
    if (key == alias) return full;
  std::string hit;
  bool ambiguous = false;
  for (const std::string& k : keys)
    if (k.substr(k.find('.') + 1) == key) ambiguous |= !hit.empty(), hit = k;
  if (!hit.empty() && !ambiguous) return hit;
  std::string valid;
  for (const std::string& k : keys) valid += (valid.empty() ? "" : ", ") + k;
  std::string aliases;
  for (const auto& [a, f] : config_key_aliases()) aliases += (aliases.empty() ? "" : ", ") + a;
  throw Error(fmt::format("{} config key '{}' (valid: {}; also {}; a bare key when unique)", ambiguous ? "ambiguous" : "unknown", key,
                          valid, aliases));
}

// ---- Sweeps -----------------------------------------------------------------------------

uint64_t Sweep::size() const {
  uint64_t n = 1;
  for (const SweepAxis& a : axes) n *= a.values.size();
  return n;
}

std::vector<std::string> Sweep::values(uint64_t i) const {
  std::vector<std::string> v(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    const uint64_t n = axes[a].values.size();
    v[a] = axes[a].values[i % n];
    i /= n;
  }
  return v;
}

std::string Sweep::signature() const {
  std::string s;
  for (const SweepAxis& a : axes) {
    s += (s.empty() ? "" : " ") + a.canonical + "=";
    for (size_t i = 0; i < a.values.size(); ++i) s += (i ? "," : "") + a.values[i];
  }
  return s;
}

Sweep parse_sweep(const std::vector<std::string>& specs) {
  Sweep sw;
  for (const std::string& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw Error(fmt::format("--sweep '{}': expected KEY=V1,V2,...", spec));
    SweepAxis a;
    a.key = spec.substr(0, eq);
    a.canonical = canonical_key(a.key);
    std::stringstream ss(spec.substr(eq + 1));
    std::string v;
    while (std::getline(ss, v, ',')) {
      if (v.empty()) throw Error(fmt::format("--sweep '{}': empty value", spec));
      if (std::count(a.values.begin(), a.values.end(), v)) throw Error(fmt::format("--sweep '{}': value {} given twice", spec, v));
      a.values.push_back(v);
    }
    for (const SweepAxis& b : sw.axes)
      if (b.canonical == a.canonical) throw Error(fmt::format("--sweep: key {} given twice ({} and {})", a.canonical, b.key, a.key));
    sw.axes.push_back(std::move(a));
  }
  return sw;
}

Config apply_point(const Config& base, const Sweep& sw, uint64_t i) {
  const std::vector<std::string> v = sw.values(i);
  std::map<std::string, std::string> set;
  for (size_t a = 0; a < sw.axes.size(); ++a) {
    size_t used = 0;
    bool number = true;
    try {
      std::stod(v[a], &used);
    } catch (const std::exception&) {
      number = false;
    }
    if (!number || used != v[a].size()) throw Error(fmt::format("{} = '{}' is not a number", sw.axes[a].key, v[a]));
    set[sw.axes[a].canonical] = v[a];
  }
  // Rewrite the base's TOML with the values in place and parse it: one validation with
  // every value applied, reporting each problem by its key.
  std::istringstream in(base.to_toml());
  std::string line, section, text;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') section = line.substr(1, line.find(']') - 1);
    const auto eq = line.find(" = ");
    if (eq != std::string::npos && line[0] != '#') {
      auto it = set.find(section + "." + line.substr(0, eq));
      if (it != set.end()) line = line.substr(0, eq) + " = " + it->second;
    }
    text += line + "\n";
  }
  Config c;
  try {
    c = parse_config(text, fmt::format("point {}", i));
  } catch (const Error& e) {
    std::string msg = e.what();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    throw Error(msg);
  }
  c.name = base.name;
  return c;
}

std::string Shard::to_string() const { return fmt::format("{}/{}", index, count); }

Shard parse_shard(const std::string& s) {
  Shard sh;
  unsigned i = 0, n = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%u/%u%c", &i, &n, &tail) != 2 || n == 0 || i >= n)
    throw Error(fmt::format("--shard '{}': expected i/N with 0 <= i < N", s));
  sh.index = i, sh.count = n;
  return sh;
}

std::vector<uint64_t> shard_points(uint64_t total, const Shard& sh) {
  std::vector<uint64_t> out;
  for (uint64_t i = sh.index; i < total; i += sh.count) out.push_back(i);
  return out;
}

// ---- Model ------------------------------------------------------------------------------

DseModel model_from_shapes(const std::string& name, const std::vector<std::pair<std::string, compiler::ConvShape>>& shapes) {
  DseModel m;
  m.name = name;
  std::unordered_map<std::string, size_t> seen;
  for (const auto& [op, s] : shapes) {
    const std::string key = s.to_string();
    auto it = seen.find(key);
    if (it == seen.end()) {
      seen.emplace(key, m.layers.size());
      m.layers.push_back({op, s, 1});
    } else {
      ++m.layers[it->second].count;
    }
    ++m.conv_ops;
    m.macs += s.macs();
  }
  return m;
}

DseModel extract_model(const std::string& model, uint64_t seed) {
  const net::LoadedModel lm = net::load_model(model, 0);
  const quant::QGraph q = net::quantize_model(lm, {}, 1, seed, {});
  std::vector<std::pair<std::string, compiler::ConvShape>> shapes;
  size_t cpu = 0;
  for (const quant::QOp& op : q.ops) {
    // Asymmetric weights always run on the CPU (placement.hpp); so does everything else but
    // convolutions (and Gemm / MatMul, which are 1x1 convolutions here).
    if (op.kind == quant::QOpKind::Conv && op.weight_zero_point.empty()) shapes.emplace_back(op.name, op.conv);
    else ++cpu;
  }
  DseModel m = model_from_shapes(lm.source, shapes);
  m.cpu_ops = cpu;
  return m;
}

// ---- Evaluation -------------------------------------------------------------------------

namespace {

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

LayerResult evaluate_layer(const Config& cfg, const DseLayer& l) {
  LayerResult r;
  try {
    r.tiling = compiler::choose_conv_tiling(cfg, l.shape);
    r.estimate = compiler::estimate_conv(cfg, l.shape, r.tiling);
    r.fits = true;
  } catch (const Error& e) {
    r.why = e.what();
  }
  return r;
}

// What the cost model's result depends on: the whole config but the keys it does not read
// (clock: cycles are clock-free; banks, modelled DRAM size, token depth). Listing what is
// left out rather than what is read keeps a key added later from being missed.
std::string cost_key(const Config& c) {
  static const char* const kIgnored[] = {"[clock]", "mhz = ", "banks = ", "size_mib = ", "token_depth = "};
  std::istringstream in(c.to_toml());
  std::string line, key;
  while (std::getline(in, line)) {
    bool skip = line.empty() || line[0] == '#';
    for (const char* k : kIgnored) skip |= line.rfind(k, 0) == 0;
    if (!skip) key += line + ";";
  }
  return key;
}

}  // namespace

std::vector<LayerResult> evaluate_layers(const Config& cfg, const DseModel& m) {
  std::vector<LayerResult> out;
  out.reserve(m.layers.size());
  for (const DseLayer& l : m.layers) out.push_back(evaluate_layer(cfg, l));
  return out;
}

PointResult make_point(const Config& cfg, const DseModel& m, const std::vector<LayerResult>& layers, const DseOptions& o) {
  PointResult p;
  p.area = estimate_area(o.area, cfg, o.synth);
  if (p.area.synth) p.lut = p.area.synth->lut, p.ff = p.area.synth->ff, p.dsp = p.area.synth->dsp, p.bram = p.area.synth->bram;
  p.area.synth = nullptr;
  const EnergyTable table = energy_table_for(o.energy, cfg);
  EnergyCounts counts;
  double cycles = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerResult& r = layers[i];
    const DseLayer& l = m.layers[i];
    if (!r.fits) {
      p.status = "no_fit";
      p.reason = fmt::format("layer {}: {}", l.name, r.why);
      return p;
    }
    cycles += double(l.count) * r.estimate.cycles;
    EnergyCounts c = energy_counts_from_cost(cfg, r.estimate);
    for (uint32_t k = 0; k < l.count; ++k) counts += c;
  }
  p.latency_cycles = cycles;
  p.latency_ms = cycles / (cfg.clock_mhz * 1e3);
  p.macs = counts.macs;
  p.dram_bytes = counts.dram_rd_bytes + counts.dram_wr_bytes;
  p.utilization = cycles > 0 ? double(counts.macs) / (cycles * cfg.peak_macs_per_cycle()) : 0;
  p.energy = estimate_energy(table, counts);
  return p;
}

std::vector<PointResult> run_sweep(const Config& base, const Sweep& sw, const DseModel& m, const std::vector<uint64_t>& points,
                                   const DseOptions& o, DseStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now();
  std::vector<PointResult> out(points.size());
  std::vector<Config> cfgs(points.size());
  std::vector<int64_t> slot_of(points.size(), -1);
  std::unordered_map<std::string, size_t> slots;
  std::vector<size_t> slot_point;  // a point of each slot (its config drives the cost model)
  for (size_t i = 0; i < points.size(); ++i) {
    out[i].index = points[i];
    out[i].values = sw.values(points[i]);
    try {
      cfgs[i] = apply_point(base, sw, points[i]);
    } catch (const Error& e) {
      out[i].status = "invalid";
      out[i].reason = e.what();
      continue;
    }
    auto [it, fresh] = slots.emplace(cost_key(cfgs[i]), slot_point.size());
    if (fresh) slot_point.push_back(i);
    slot_of[i] = int64_t(it->second);
  }
  // Work items: (cost configuration, layer) pairs, shared by the threads.
  const size_t nl = m.layers.size(), items = slot_point.size() * nl;
  std::vector<std::vector<LayerResult>> results(slot_point.size(), std::vector<LayerResult>(nl));
  std::atomic<size_t> next{0}, done{0};
  auto worker = [&] {
    for (size_t w; (w = next.fetch_add(1)) < items;) {
      const size_t s = w / nl, l = w % nl;
      results[s][l] = evaluate_layer(cfgs[slot_point[s]], m.layers[l]);
      const size_t d = done.fetch_add(1) + 1;
      if (o.progress) o.progress(d, items);
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(o.jobs, unsigned(std::max<size_t>(1, items))));
  std::vector<std::thread> pool;
  for (unsigned j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  for (size_t i = 0; i < points.size(); ++i) {
    if (slot_of[i] < 0) continue;
    PointResult p = make_point(cfgs[i], m, results[size_t(slot_of[i])], o);
    p.index = out[i].index;
    p.values = std::move(out[i].values);
    out[i] = std::move(p);
  }
  if (o.progress && items == 0) o.progress(1, 1);
  if (stats) {
    stats->points = points.size();
    stats->cost_configs = slot_point.size();
    stats->layer_evals = items;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stats->cpu_seconds = cpu_now() - c0;
  }
  return out;
}

}  // namespace systole::roofline
