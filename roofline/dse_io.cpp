// Points CSV, merge, Pareto fronts and the SVG plot of a sweep (dse_io.hpp).
#include "roofline/dse_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "arch/error.hpp"
#include "roofline/csv.hpp"

namespace systole::roofline {

namespace {

constexpr const char* kTool = "systole-dse/1";
const char* const kMetaKeys[] = {"tool", "model", "base", "sweep", "points", "energy", "area", "shard"};

std::string clean(std::string s) {
  std::replace(s.begin(), s.end(), ';', ',');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string num(double v, int prec = 6) { return fmt::format("{:.{}g}", v, prec); }

// Axis labels: plain digits up to 6 figures ("20000", "0.5"), else "2e+07".
std::string tick_label(double v) {
  return v >= 1e-3 && v < 1e6 ? fmt::format("{}", std::round(v * 1000) / 1000) : fmt::format("{:.0e}", v);
}

double to_double(const std::string& s) {
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
  try {
    return std::stod(s);
  } catch (const std::exception&) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace

int DseTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return int(i);
  return -1;
}

DseTable make_table(const DseMeta& m, const std::vector<PointResult>& points) {
  DseTable t;
  t.meta = {{"tool", kTool},
            {"model", clean(m.model)},
            {"base", clean(m.base)},
            {"sweep", clean(m.sweep.signature())},
            {"points", std::to_string(m.sweep.size())},
            {"energy", clean(m.energy_source)},
            {"area", clean(m.area_source)},
            {"shard", m.shard.to_string()}};
  t.header = {"index"};
  for (const SweepAxis& a : m.sweep.axes) t.header.push_back(a.key);
  for (const char* h : {"status", "latency_cycles", "latency_ms", "utilization", "macs", "dram_bytes", "energy_uj", "mac_uj",
                        "spad_uj", "acc_uj", "dram_uj", "area_mm2", "area_source", "lut", "ff", "dsp", "bram", "reason"})
    t.header.push_back(h);
  for (const PointResult& p : points) {
    std::vector<std::string> r = {std::to_string(p.index)};
    r.insert(r.end(), p.values.begin(), p.values.end());
    r.push_back(p.status);
    const bool ok = p.ok();
    auto okv = [&](const std::string& s) { return ok ? s : std::string(); };
    r.push_back(okv(fmt::format("{:.0f}", p.latency_cycles)));
    r.push_back(okv(num(p.latency_ms)));
    r.push_back(okv(fmt::format("{:.4f}", p.utilization)));
    r.push_back(okv(std::to_string(p.macs)));
    r.push_back(okv(std::to_string(p.dram_bytes)));
    for (double pj : {p.energy.total_pj, p.energy.mac_pj, p.energy.spad_pj, p.energy.acc_pj, p.energy.dram_pj})
      r.push_back(okv(num(pj * 1e-6)));
    const bool has_area = p.status != "invalid";
    r.push_back(has_area ? num(p.area.mm2) : "");
    r.push_back(has_area ? p.area.source : "");
    for (double v : {p.lut, p.ff, p.dsp, p.bram}) r.push_back(v >= 0 ? num(v, 10) : "");
    r.push_back(p.reason);
    t.rows.push_back(std::move(r));
  }
  return t;
}

std::string table_csv(const DseTable& t) {
  std::string s = "#";
  for (const char* k : kMetaKeys) {
    auto it = t.meta.find(k);
    s += fmt::format(" {}={};", k, it == t.meta.end() ? "" : it->second);
  }
  s.back() = '\n';
  for (size_t i = 0; i < t.header.size(); ++i) s += (i ? "," : "") + csv_field(t.header[i]);
  s += "\n";
  for (const auto& r : t.rows) {
    for (size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + csv_field(r[i]);
    s += "\n";
  }
  return s;
}

DseTable parse_table_csv(const std::string& text, const std::string& origin) {
  DseTable t;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line.rfind("# ", 0) != 0)
    throw Error(fmt::format("{}: not a systole dse points file (no metadata line)", origin));
  std::stringstream ms(line.substr(2));
  std::string item;
  while (std::getline(ms, item, ';')) {
    while (!item.empty() && item[0] == ' ') item.erase(0, 1);
    const auto eq = item.find('=');
    if (eq != std::string::npos) t.meta[item.substr(0, eq)] = item.substr(eq + 1);
  }
  if (t.meta["tool"] != kTool) throw Error(fmt::format("{}: not a {} points file", origin, kTool));
  if (!std::getline(in, line)) throw Error(fmt::format("{}: no header line", origin));
  t.header = csv_split(line);
  if (t.header.empty() || t.header[0] != "index") throw Error(fmt::format("{}: header does not start with index", origin));
  size_t ln = 2;
  while (std::getline(in, line)) {
    ++ln;
    if (line.empty()) continue;
    auto r = csv_split(line);
    if (r.size() != t.header.size())
      throw Error(fmt::format("{}:{}: {} fields, the header has {} (truncated file?)", origin, ln, r.size(), t.header.size()));
    t.rows.push_back(std::move(r));
  }
  return t;
}

DseTable read_table_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_table_csv(ss.str(), path);
}

DseTable merge_tables(const std::vector<DseTable>& parts, const std::vector<std::string>& names) {
  if (parts.empty()) throw Error("dse merge: no parts");
  DseTable out;
  out.meta = parts[0].meta;
  out.meta["shard"] = "all";
  out.header = parts[0].header;
  uint64_t total = 0;
  try {
    total = std::stoull(out.meta["points"]);
  } catch (const std::exception&) {
    throw Error(fmt::format("{}: metadata has no point count", names[0]));
  }
  std::vector<int> owner(total, -1);
  std::vector<const std::vector<std::string>*> rows(total, nullptr);
  for (size_t p = 0; p < parts.size(); ++p) {
    for (const char* k : kMetaKeys) {
      if (std::string(k) == "shard") continue;
      const auto a = parts[0].meta.find(k), b = parts[p].meta.find(k);
      const std::string va = a == parts[0].meta.end() ? "" : a->second, vb = b == parts[p].meta.end() ? "" : b->second;
      if (va != vb)
        throw Error(fmt::format("dse merge: {} belongs to another sweep: {} is '{}', {} has '{}'", names[p], k, vb, names[0], va));
    }
    if (parts[p].header != out.header) throw Error(fmt::format("dse merge: {} has another header than {}", names[p], names[0]));
    for (const auto& r : parts[p].rows) {
      uint64_t i = 0;
      try {
        i = std::stoull(r[0]);
      } catch (const std::exception&) {
        throw Error(fmt::format("dse merge: {}: bad index '{}'", names[p], r[0]));
      }
      if (i >= total) throw Error(fmt::format("dse merge: {}: point {} is outside the sweep's {} points", names[p], i, total));
      if (owner[i] >= 0)
        throw Error(fmt::format("dse merge: point {} appears twice ({} and {})", i, names[size_t(owner[i])], names[p]));
      owner[i] = int(p);
      rows[i] = &r;
    }
  }
  std::vector<uint64_t> missing;
  for (uint64_t i = 0; i < total; ++i)
    if (owner[i] < 0) missing.push_back(i);
  if (!missing.empty()) {
    std::string list;
    for (size_t k = 0; k < std::min<size_t>(10, missing.size()); ++k) list += (k ? ", " : "") + std::to_string(missing[k]);
    throw Error(fmt::format("dse merge: {} of {} points missing ({}{}): a shard was not run or not given", missing.size(), total,
                            list, missing.size() > 10 ? ", ..." : ""));
  }
  for (uint64_t i = 0; i < total; ++i) out.rows.push_back(*rows[i]);
  return out;
}

std::vector<size_t> pareto_front(const std::vector<std::pair<double, double>>& pts) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < pts.size(); ++i)
    if (!std::isnan(pts[i].first) && !std::isnan(pts[i].second)) idx.push_back(i);
  // Sort by x then y; sweep keeping the points whose y is below every y seen at a smaller x.
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return pts[a] < pts[b]; });
  std::vector<size_t> front;
  double best_y = std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < idx.size();) {
    size_t e = k;  // the group of points with this x
    while (e < idx.size() && pts[idx[e]].first == pts[idx[k]].first) ++e;
    const double y = pts[idx[k]].second;  // the group's smallest y
    if (y < best_y) {
      for (size_t j = k; j < e && pts[idx[j]].second == y; ++j) front.push_back(idx[j]);
      best_y = y;
    }
    k = e;
  }
  std::sort(front.begin(), front.end());
  return front;
}

namespace {

struct Fronts {
  std::vector<size_t> ok;           // row indices with status ok
  std::vector<bool> energy, area;   // per row
};

Fronts fronts(const DseTable& t) {
  Fronts f;
  const int st = t.column("status"), lat = t.column("latency_ms"), en = t.column("energy_uj"), ar = t.column("area_mm2");
  if (st < 0 || lat < 0 || en < 0 || ar < 0) throw Error("dse: points table lacks status/latency_ms/energy_uj/area_mm2");
  f.energy.assign(t.rows.size(), false);
  f.area.assign(t.rows.size(), false);
  std::vector<std::pair<double, double>> le, la;
  for (size_t i = 0; i < t.rows.size(); ++i)
    if (t.rows[i][size_t(st)] == "ok") {
      f.ok.push_back(i);
      le.emplace_back(to_double(t.rows[i][size_t(lat)]), to_double(t.rows[i][size_t(en)]));
      la.emplace_back(to_double(t.rows[i][size_t(lat)]), to_double(t.rows[i][size_t(ar)]));
    }
  for (size_t k : pareto_front(le)) f.energy[f.ok[k]] = true;
  for (size_t k : pareto_front(la)) f.area[f.ok[k]] = true;
  return f;
}

}  // namespace

DseTable pareto_table(const DseTable& t) {
  const Fronts f = fronts(t);
  DseTable p;
  p.meta = t.meta;
  p.header = t.header;
  p.header.push_back("front");
  const int lat = t.column("latency_ms");
  std::vector<size_t> rows;
  for (size_t i : f.ok)
    if (f.energy[i] || f.area[i]) rows.push_back(i);
  std::stable_sort(rows.begin(), rows.end(),
                   [&](size_t a, size_t b) { return to_double(t.rows[a][size_t(lat)]) < to_double(t.rows[b][size_t(lat)]); });
  for (size_t i : rows) {
    auto r = t.rows[i];
    r.push_back(f.energy[i] && f.area[i] ? "energy+area" : f.energy[i] ? "energy" : "area");
    p.rows.push_back(std::move(r));
  }
  return p;
}

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

// One log-log panel at (ox, oy) of w x h: all ok points, the front as a staircase.
std::string panel(const DseTable& t, const Fronts& f, const std::vector<bool>& on_front, int ycol, const std::string& ylabel,
                  double ox, double oy, double w, double h) {
  const int lat = t.column("latency_ms");
  const size_t keys_end = size_t(t.column("status"));
  std::string s;
  const double ml = 70, mb = 45, mt = 30, mr = 15;
  const double pw = w - ml - mr, ph = h - mt - mb;
  s += fmt::format("<g transform=\"translate({},{})\">\n", ox, oy);
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n", ml, mt, pw, ph);
  s += fmt::format("<text x=\"{}\" y=\"18\" font-size=\"13\" text-anchor=\"middle\">latency vs {}</text>\n", ml + pw / 2, ylabel);
  std::vector<std::pair<double, double>> pts;
  std::vector<size_t> rows;
  for (size_t i : f.ok) {
    const double x = to_double(t.rows[i][size_t(lat)]), y = to_double(t.rows[i][size_t(ycol)]);
    if (x > 0 && y > 0) pts.emplace_back(x, y), rows.push_back(i);
  }
  if (pts.empty()) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no valid points</text>\n</g>\n", ml + pw / 2, mt + ph / 2);
    return s;
  }
  double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
  for (auto [x, y] : pts) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  // Log axes padded by 5% of the decade span (at least a factor 1.2 around a single value).
  auto range = [](double& lo, double& hi) {
    double a = std::log10(lo), b = std::log10(hi);
    const double pad = std::max(0.08, 0.05 * (b - a));
    lo = a - pad, hi = b + pad;
  };
  range(x0, x1), range(y0, y1);
  auto X = [&](double v) { return ml + (std::log10(v) - x0) / (x1 - x0) * pw; };
  auto Y = [&](double v) { return mt + ph - (std::log10(v) - y0) / (y1 - y0) * ph; };
  // Ticks at 1, 2, 5 x 10^k inside the range (more within a narrow range).
  auto ticks = [](double lo, double hi) {
    std::vector<double> v;
    const std::vector<double> ms = hi - lo < 1.5 ? std::vector<double>{1, 1.5, 2, 3, 4, 5, 7} : std::vector<double>{1, 2, 5};
    for (int e = int(std::floor(lo)); e <= int(std::ceil(hi)); ++e)
      for (double m : ms) {
        const double t = m * std::pow(10.0, e);
        if (std::log10(t) >= lo && std::log10(t) <= hi) v.push_back(t);
      }
    return v;
  };
  for (double tx : ticks(x0, x1))
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#eee\"/><text x=\"{0:.1f}\" y=\"{3}\" "
                     "font-size=\"10\" text-anchor=\"middle\">{4}</text>\n",
                     X(tx), mt, mt + ph, mt + ph + 14, tick_label(tx));
  for (double ty : ticks(y0, y1))
    s += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#eee\"/><text x=\"{3}\" y=\"{4:.1f}\" "
                     "font-size=\"10\" text-anchor=\"end\">{5}</text>\n",
                     ml, ml + pw, Y(ty), ml - 4, Y(ty) + 3, tick_label(ty));
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">latency (ms, log)</text>\n", ml + pw / 2, h - 8);
  s += fmt::format("<text x=\"14\" y=\"{0}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {0})\">{1} (log)</text>\n",
                   mt + ph / 2, ylabel);
  auto label = [&](size_t r) {
    std::string l = "point " + t.rows[r][0] + ":";
    for (size_t c = 1; c < keys_end; ++c) l += " " + t.header[c] + "=" + t.rows[r][c];
    return l + fmt::format(", {} ms, {} {}", t.rows[r][size_t(lat)], t.rows[r][size_t(ycol)], ylabel);
  };
  std::vector<std::pair<double, double>> fr;
  for (size_t k = 0; k < pts.size(); ++k) {
    if (on_front[rows[k]]) {
      fr.push_back(pts[k]);
      continue;
    }
    s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"#9ab\" fill-opacity=\"0.6\"><title>{}</title></circle>\n",
                     X(pts[k].first), Y(pts[k].second), esc(label(rows[k])));
  }
  std::sort(fr.begin(), fr.end());
  if (!fr.empty()) {
    std::string path = fmt::format("M{:.1f},{:.1f}", X(fr[0].first), Y(fr[0].second));
    for (size_t k = 1; k < fr.size(); ++k) path += fmt::format(" H{:.1f} V{:.1f}", X(fr[k].first), Y(fr[k].second));
    s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"#d33\" stroke-width=\"1.5\"/>\n", path);
  }
  for (size_t k = 0; k < pts.size(); ++k)
    if (on_front[rows[k]])
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"#d33\"><title>{}</title></circle>\n", X(pts[k].first),
                       Y(pts[k].second), esc(label(rows[k])));
  s += "</g>\n";
  return s;
}

}  // namespace

std::string pareto_svg(const DseTable& t) {
  const Fronts f = fronts(t);
  const double w = 520, h = 400;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n",
      2 * w, h + 30);
  s += fmt::format("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  auto meta = [&](const char* k) {
    auto it = t.meta.find(k);
    return it == t.meta.end() ? std::string() : it->second;
  };
  s += fmt::format("<text x=\"10\" y=\"18\" font-size=\"13\">systole dse {} on {}: {} of {} points valid; red: Pareto front</text>\n",
                   esc(meta("model")), esc(meta("base")), f.ok.size(), t.rows.size());
  s += panel(t, f, f.energy, t.column("energy_uj"), "energy (uJ)", 0, 30, w, h);
  s += panel(t, f, f.area, t.column("area_mm2"), "area (mm2)", w, 30, w, h);
  return s + "</svg>\n";
}

void write_outputs(const DseTable& t, const std::string& dir) {
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream out(path);
    if (!(out << text)) throw Error(fmt::format("cannot write {}", path));
  };
  write("points.csv", table_csv(t));
  write("pareto.csv", table_csv(pareto_table(t)));
  write("pareto.svg", pareto_svg(t));
}

}  // namespace systole::roofline
