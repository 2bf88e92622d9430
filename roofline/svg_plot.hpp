// A log-log roofline plot written as SVG by hand (no plotting library): decade ticks with
// minor ticks and grid, a horizontal compute roof, slope-1 memory roofs labelled along the
// line, and numbered points (one series per device or implementation) whose labels are
// placed greedily so they do not overlap; a legend maps numbers to layer names. The output
// is a standalone SVG document (also inlined into the HTML report).
#pragma once
#include <string>
#include <vector>

namespace systole::roofline {

struct PlotRoof {
  std::string label;         // "DRAM 3.2 GB/s"
  double bytes_per_second = 0;
  std::string color = "#555";
  bool dashed = false;
};

struct PlotPoint {
  int number = 0;            // label drawn next to the point
  std::string layer;         // full layer name (legend, tooltip, data-layer attribute)
  double intensity = 0;      // x: ops per byte
  double ops_per_s = 0;      // y
  std::string tooltip;       // extra lines for the <title> tooltip
};

struct PlotSeries {
  std::string name;          // legend entry ("accelerator (rtl)", "own im2col/kn2row", "oneDNN")
  std::string css_class;     // class attribute of its markers ("accel", "own", "onednn")
  std::string color;
  char shape = 'o';          // 'o' circle, 's' square, '^' triangle
  std::vector<PlotPoint> points;
};

struct RooflinePlot {
  std::string id;            // unique prefix for element ids when several plots share a page
  std::string title, subtitle;
  std::string x_label = "operational intensity (ops / byte)";
  std::string y_label = "throughput (ops / s)";
  double peak_ops = 0;
  std::string peak_label;
  std::vector<PlotRoof> memory;
  std::vector<PlotSeries> series;
  std::vector<std::string> notes;  // extra lines under the plot (what the bytes are, the clock)
  std::vector<std::pair<int, std::string>> legend;  // number -> layer name
};

// Geometry of the rendered plot area (SVG user units), for tests: every point must lie inside.
struct PlotArea {
  double x = 0, y = 0, width = 0, height = 0;
};

std::string render_roofline_svg(const RooflinePlot& p, PlotArea* area = nullptr);

// Text escaped for XML character data and attribute values.
std::string xml_escape(const std::string& s);
// "1.5k", "320M", "1.02T": engineering notation with SI suffixes.
std::string si(double v, int digits = 3);

}  // namespace systole::roofline
