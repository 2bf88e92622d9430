// Renderings of a RooflineReport (layer_points.hpp): JSON, CSV, the two roofline plots as
// SVG (accelerator, CPU) and a self-contained HTML page (inline CSS and SVG, no scripts), and
// the writer of all of them into one folder. Every number in them comes from the same
// RooflineReport, so the files agree with one another.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "roofline/layer_points.hpp"
#include "roofline/svg_plot.hpp"

namespace systole::roofline {

nlohmann::ordered_json report_json(const RooflineReport& r);
// One layer's fields, in table order; null where a field does not apply (no accelerator
// point for a CPU-placed layer, no CPU timing). The JSON's "layers" and the CSV rows are these.
nlohmann::ordered_json layer_row(const RooflineReport& r, const LayerPoint& l);

// One header line (the keys of layer_row), then one line per layer; null is an empty cell.
std::string report_csv(const RooflineReport& r);

// The plots as data (tests inspect them) and as SVG documents.
RooflinePlot accel_plot(const RooflineReport& r);
RooflinePlot cpu_plot(const RooflineReport& r);
std::string report_html(const RooflineReport& r);

// The files written into a report folder.
struct ReportFiles {
  std::string html, accel_svg, cpu_svg, json, csv;  // full paths ("" when not written)
};
// Creates `dir` (and its parents) and writes report.html, roofline_accel.svg,
// roofline_cpu.svg (when the report has CPU points), layers.json, layers.csv. Throws
// systole::Error naming the path when it cannot.
ReportFiles write_report(const RooflineReport& r, const std::string& dir);
// Creates `dir` if needed and checks that files can be written there (before a long run).
// Throws systole::Error naming the path and the reason.
void prepare_report_dir(const std::string& dir);

}  // namespace systole::roofline
