// `systole dse MODEL --sweep KEY=V1,V2,... [KEY=...]`: design-space exploration over config
// keys from the network's layer shapes and the cost, energy and area models (no compile, no
// simulation per point): points.csv, pareto.csv, pareto.svg. `--shard i/N` evaluates one
// slice of the sweep (job arrays); `systole dse merge PART.csv...` joins the slices.
// `--rtl-check K` runs a GEMM on the cycle-accurate rtl backend for up to K points that have
// a Verilated model and compares its cycles with the cost model. docs/dse.md.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "cli/commands.hpp"
#include "roofline/dse.hpp"
#include "roofline/dse_io.hpp"

namespace systole::cli {
namespace {

struct DseOpts {
  std::string model, config = "default", out = "dse-out", shard, energy, area, rtl_shape = "256x256x256";
  std::vector<std::string> sweep, synth;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  int rtl_check = 0;
  uint64_t seed = 1;
  bool quiet = false;
};

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Progress on stderr: a bar when it is a terminal, else a line every 10%.
class Progress {
 public:
  explicit Progress(bool quiet) : tty_(!quiet && isatty(fileno(stderr))), quiet_(quiet) {}
  void operator()(uint64_t done, uint64_t total) {
    if (quiet_ || total == 0) return;
    const int pct = int(100 * done / total);
    std::lock_guard<std::mutex> lock(mu_);
    if (tty_) {
      const int step = int(40 * done / total);
      if (step == last_ && done != total) return;
      last_ = step;
      fmt::print(stderr, "\r  [{}{}] {:3d}%  {}/{} layer evaluations", std::string(size_t(step), '#'),
                 std::string(size_t(40 - step), '.'), pct, done, total);
      if (done == total) fmt::print(stderr, "\n");
    } else {
      if (pct / 10 == last_) return;
      last_ = pct / 10;
      fmt::print(stderr, "systole dse: {}% ({}/{} layer evaluations)\n", pct, done, total);
    }
    std::fflush(stderr);
  }

 private:
  bool tty_, quiet_;
  int last_ = -1;
  std::mutex mu_;
};

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("systole") : p.string();
}

std::string sh_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The hardware parameters a Verilated model is built for (sim/models.hpp): only points whose
// parameters equal a preset's can run on the rtl backend.
bool has_preset_hardware(const Config& c) {
  for (const std::string& n : preset_names()) {
    const Config p = load_config(n);
    if (p.dim == c.dim && p.spad_kib == c.spad_kib && p.spad_banks == c.spad_banks && p.acc_kib == c.acc_kib &&
        p.acc_banks == c.acc_banks && p.dram_bytes_per_cycle == c.dram_bytes_per_cycle && p.insn_depth == c.insn_depth &&
        p.fetch_window == c.fetch_window)
      return true;
  }
  return false;
}

void rtl_check(const DseOpts& o, const Config& base, const roofline::Sweep& sw, const roofline::DseTable& t) {
  uint32_t m = 0, n = 0, k = 0;
  if (std::sscanf(o.rtl_shape.c_str(), "%ux%ux%u", &m, &n, &k) != 3 || !m || !n || !k)
    throw Error(fmt::format("--rtl-shape '{}' is not MxNxK", o.rtl_shape));
  // Pareto points first, then the others in index order; one run per distinct config.
  const roofline::DseTable front = roofline::pareto_table(t);
  std::vector<uint64_t> order;
  for (const auto& r : front.rows) order.push_back(std::stoull(r[0]));
  const int st = t.column("status");
  for (const auto& r : t.rows)
    if (r[size_t(st)] == "ok") order.push_back(std::stoull(r[0]));
  std::set<std::string> seen;
  int runs = 0;
  fmt::print("rtl spot checks ({}x{}x{} GEMM on the rtl backend vs the cost model):\n", m, n, k);
  for (uint64_t idx : order) {
    if (runs >= o.rtl_check) break;
    const Config c = roofline::apply_point(base, sw, idx);
    if (!has_preset_hardware(c) || !seen.insert(c.to_toml()).second) continue;
    const std::string path = (std::filesystem::path(o.out) / fmt::format("rtl_check_{}.toml", idx)).string();
    std::ofstream(path) << c.to_toml();
    const std::string cmd = fmt::format("{} gemm --backend rtl --config {} --m {} --n {} --k {} --json 2>&1", sh_quote(self_exe()),
                                        sh_quote(path), m, n, k);
    std::string text;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[4096];
      for (size_t got; (got = fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, got);
      pclose(p);
    }
    ++runs;
    try {
      const auto j = nlohmann::json::parse(text.substr(text.find('{')));
      const double rtl = j.at("cycles").get<double>(), model = j.at("model_cycles").get<double>();
      fmt::print("  point {:>5}: rtl {:>10.0f} cycles, model {:>10.0f} ({:+.2f}%), {}\n", idx, rtl, model,
                 100 * (model - rtl) / rtl, j.value("bit_exact", false) ? "bit-exact" : "MISMATCH");
    } catch (const std::exception&) {
      const auto nl = text.find('\n');
      fmt::print("  point {:>5}: not run: {}\n", idx, text.substr(0, nl));
    }
  }
  if (runs == 0)
    fmt::print("  none: no valid point has the hardware parameters of a preset with a Verilated model ({})\n",
               fmt::join(preset_names(), ", "));
}

void run_dse(const DseOpts& o) {
  if (o.model.empty()) throw Error("systole dse: MODEL is required (a zoo name or an .onnx file)");
  if (o.sweep.empty()) throw Error("systole dse: give at least one --sweep KEY=V1,V2,...");
  const Config base = load_config(o.config);
  const roofline::Sweep sw = roofline::parse_sweep(o.sweep);
  const roofline::Shard shard = o.shard.empty() ? roofline::Shard{} : roofline::parse_shard(o.shard);
  roofline::DseOptions opt;
  if (!o.energy.empty()) opt.energy = roofline::load_energy_table(o.energy);
  if (!o.area.empty()) opt.area = roofline::load_area_table(o.area);
  std::vector<std::string> skipped;
  if (!o.synth.empty()) opt.synth = roofline::load_synth_reports(o.synth, &skipped);
  for (const std::string& s : skipped)
    if (!o.quiet) fmt::print(stderr, "systole dse: skipping {}\n", s);
  opt.jobs = std::max(1u, o.jobs);
  Progress progress(o.quiet);
  opt.progress = [&progress](uint64_t d, uint64_t t) { progress(d, t); };

  auto t0 = std::chrono::steady_clock::now();
  const roofline::DseModel model = roofline::extract_model(o.model, o.seed);
  const double extract_s = since(t0);
  const std::vector<uint64_t> points = roofline::shard_points(sw.size(), shard);
  if (!o.quiet)
    fmt::print(stderr, "systole dse: {} ({} accelerator layers, {} distinct shapes), {} of {} points (shard {}), {} threads\n",
               model.name, model.conv_ops, model.layers.size(), points.size(), sw.size(), shard.to_string(), opt.jobs);
  roofline::DseStats stats;
  const auto results = roofline::run_sweep(base, sw, model, points, opt, &stats);

  // The metadata names every input that changes a row, so that merge refuses mixed parts.
  const std::string area_source =
      opt.synth.empty() ? opt.area.source : fmt::format("{} + {} synth reports", opt.area.source, opt.synth.size());
  uint32_t fnv = 2166136261u;  // FNV-1a of the base config's values: two bases of one name differ
  for (char ch : base.to_toml()) fnv = (fnv ^ uint8_t(ch)) * 16777619u;
  roofline::DseMeta meta{model.name, fmt::format("{}@{:08x}", base.name, fnv), opt.energy.source, area_source, sw, shard};
  const roofline::DseTable table = roofline::make_table(meta, results);
  std::filesystem::create_directories(o.out);
  std::string wrote;
  if (shard.count > 1) {
    const std::string path = (std::filesystem::path(o.out) / fmt::format("points-{}of{}.csv", shard.index, shard.count)).string();
    std::ofstream f(path);
    if (!(f << roofline::table_csv(table))) throw Error(fmt::format("cannot write {}", path));
    wrote = path;
  } else {
    roofline::write_outputs(table, o.out);
    wrote = fmt::format("{0}/points.csv, {0}/pareto.csv, {0}/pareto.svg", o.out);
  }
  size_t ok = 0, invalid = 0, nofit = 0;
  for (const auto& r : results) (r.status == "ok" ? ok : r.status == "invalid" ? invalid : nofit)++;
  const double per_min = stats.seconds > 0 ? 60.0 * double(stats.points) / stats.seconds : 0;
  fmt::print("systole dse: {} on {}: {} points ({} ok, {} invalid config, {} with a layer that does not fit)\n", model.name,
             base.name, stats.points, ok, invalid, nofit);
  // CPU time too: on a shared machine the wall clock measures the other processes as well.
  const double per_cpu_min = stats.cpu_seconds > 0 ? 60.0 * double(stats.points) / stats.cpu_seconds : 0;
  fmt::print("  evaluated in {:.2f} s with {} threads: {:.0f} points/minute ({:.2f} CPU s: {:.0f} points per CPU-minute); "
             "{} cost-model configurations x {} layer shapes; shapes extracted in {:.2f} s\n",
             stats.seconds, opt.jobs, per_min, stats.cpu_seconds, per_cpu_min, stats.cost_configs, model.layers.size(), extract_s);
  if (shard.count == 1) {
    const roofline::DseTable front = roofline::pareto_table(table);
    const int lat = front.column("latency_ms"), en = front.column("energy_uj"), ar = front.column("area_mm2");
    fmt::print("  Pareto front ({} points):\n", front.rows.size());
    for (size_t i = 0; i < std::min<size_t>(front.rows.size(), 12); ++i) {
      const auto& r = front.rows[i];
      std::string keys;
      for (size_t a = 0; a < sw.axes.size(); ++a) keys += fmt::format("{}{}={}", a ? " " : "", sw.axes[a].key, r[1 + a]);
      fmt::print("    {:<44} {:>9} ms {:>10} uJ {:>8} mm2  [{}]\n", keys, r[size_t(lat)], r[size_t(en)], r[size_t(ar)], r.back());
    }
    if (front.rows.size() > 12) fmt::print("    ... (pareto.csv has all)\n");
  }
  fmt::print("  wrote {}\n", wrote);
  if (o.rtl_check > 0) rtl_check(o, base, sw, table);
}

}  // namespace

void add_dse_command(CLI::App& app) {
  auto o = std::make_shared<DseOpts>();
  auto* cmd = app.add_subcommand("dse", "Design-space sweep over config keys: latency, utilization, energy, area, Pareto plot");
  cmd->add_option("model", o->model, "zoo model name or .onnx file");
  cmd->add_option("--sweep", o->sweep, "KEY=V1,V2,... (repeatable; any config key, e.g. dim=8,16,32 spad_kib=64,256)")
      ->expected(1, -1);
  cmd->add_option("--config", o->config, "base design point: preset (tiny, default, large) or TOML file")->capture_default_str();
  cmd->add_option("--out", o->out, "output folder")->capture_default_str();
  cmd->add_option("--shard", o->shard, "evaluate shard i of N (0 <= i < N; points with index % N == i)");
  cmd->add_option("--jobs", o->jobs, "worker threads")->capture_default_str();
  cmd->add_option("--energy", o->energy, "energy table TOML ([energy]; docs/energy_area.md)");
  cmd->add_option("--area", o->area, "area table TOML ([area]; docs/energy_area.md)");
  cmd->add_option("--synth", o->synth, "systole synth report.json files or folders: area from synthesis where parameters match")
      ->expected(1, -1);
  cmd->add_option("--rtl-check", o->rtl_check, "run a GEMM on the rtl backend for up to K points (Pareto first) with a Verilated model")
      ->capture_default_str();
  cmd->add_option("--rtl-shape", o->rtl_shape, "GEMM shape of the rtl spot checks")->capture_default_str();
  cmd->add_option("--seed", o->seed, "calibration seed of the shape extraction")->capture_default_str();
  cmd->add_flag("--quiet", o->quiet, "no progress on stderr");

  auto parts = std::make_shared<std::vector<std::string>>();
  auto merge_out = std::make_shared<std::string>("dse-out");
  auto* merge = cmd->add_subcommand("merge", "Join the points CSVs of the shards of one sweep; Pareto front and plot");
  merge->add_option("parts", *parts, "points CSV files of the shards")->required();
  merge->add_option("--out", *merge_out, "output folder")->capture_default_str();
  merge->callback([parts, merge_out] {
    std::vector<roofline::DseTable> tables;
    for (const std::string& p : *parts) tables.push_back(roofline::read_table_csv(p));
    const roofline::DseTable t = roofline::merge_tables(tables, *parts);
    roofline::write_outputs(t, *merge_out);
    const roofline::DseTable front = roofline::pareto_table(t);
    fmt::print("systole dse merge: {} parts, {} points, {} on the Pareto fronts; wrote {}/points.csv, pareto.csv, pareto.svg\n",
               parts->size(), t.rows.size(), front.rows.size(), *merge_out);
  });
  cmd->callback([o, merge] {
    if (merge->parsed()) return;
    run_dse(*o);
  });
}

}  // namespace systole::cli
