// Results of a design-space sweep as files: the points CSV (a metadata line naming the sweep,
// then one row per point), merging the CSVs of shards, the Pareto fronts (latency vs energy,
// latency vs area) and their SVG plot, hand-written. docs/dse.md shows the formats.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "roofline/dse.hpp"

namespace systole::roofline {

// A points CSV in memory: the metadata (key -> value, from the first line), the header and
// the rows, in index order.
struct DseTable {
  std::map<std::string, std::string> meta;  // tool, model, base, sweep, points, energy, area, shard
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int column(const std::string& name) const;  // -1 when absent
};

struct DseMeta {
  std::string model, base, energy_source, area_source;
  Sweep sweep;
  Shard shard;
};

DseTable make_table(const DseMeta& meta, const std::vector<PointResult>& points);
std::string table_csv(const DseTable& t);
DseTable parse_table_csv(const std::string& text, const std::string& origin);
DseTable read_table_csv(const std::string& path);

// Joins shard tables: they must name the same sweep (all metadata but the shard equal, same
// header), and together hold every point exactly once. Throws systole::Error naming the
// foreign part, the duplicated points or the missing ones.
DseTable merge_tables(const std::vector<DseTable>& parts, const std::vector<std::string>& names);

// Indices of the points no other point dominates (both coordinates minimized; equal points
// are all kept). Points with a NaN coordinate are ignored.
std::vector<size_t> pareto_front(const std::vector<std::pair<double, double>>& pts);

// Rows of the table on the latency-energy or latency-area front (status ok only), sorted by
// latency, with a trailing "front" column: energy, area or energy+area.
DseTable pareto_table(const DseTable& t);
// Two panels (latency vs energy, latency vs area), log axes, fronts highlighted.
std::string pareto_svg(const DseTable& t);

// Writes points.csv, pareto.csv and pareto.svg into dir (created when missing).
void write_outputs(const DseTable& t, const std::string& dir);

}  // namespace systole::roofline
