// Hand-written SVG roofline plot (see svg_plot.hpp).
#include "roofline/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace systole::roofline {

std::string xml_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string si(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return fmt::format("{}", v);
  static const char* kSuffix[] = {"", "k", "M", "G", "T", "P", "E"};
  const double a = std::fabs(v);
  if (a < 1) return fmt::format("{:.{}g}", v, digits);
  int e = 0;
  while (e < 6 && a >= std::pow(1000.0, e + 1)) ++e;
  return fmt::format("{:.{}g}{}", v / std::pow(1000.0, e), digits, kSuffix[e]);
}

namespace {

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& b) const { return x0 < b.x1 && b.x0 < x1 && y0 < b.y1 && b.y0 < y1; }
  double overlap_area(const Box& b) const {
    const double w = std::min(x1, b.x1) - std::max(x0, b.x0), h = std::min(y1, b.y1) - std::max(y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
  }
};

// Plain decimal for intensities below 1 ("0.01"), SI above.
std::string tick_text(double v) { return v < 1 ? fmt::format("{:g}", v) : si(v); }

std::string marker(char shape, double x, double y, const std::string& color) {
  switch (shape) {
    case 's':
      return fmt::format(R"~(<rect x="{:.1f}" y="{:.1f}" width="7" height="7" fill="{}" stroke="#222" stroke-width="0.6"/>)~", x - 3.5,
                         y - 3.5, color);
    case '^':
      return fmt::format(R"~(<path d="M{:.1f},{:.1f} l4.5,8 h-9 z" fill="{}" stroke="#222" stroke-width="0.6"/>)~", x, y - 5, color);
    default:
      return fmt::format(R"~(<circle cx="{:.1f}" cy="{:.1f}" r="3.8" fill="{}" stroke="#222" stroke-width="0.6"/>)~", x, y, color);
  }
}

}  // namespace

std::string render_roofline_svg(const RooflinePlot& p, PlotArea* area_out) {
  // Layout (user units). The plot area is fixed; the legend below grows with the layers.
  const double W = 790, L = 84, R = 34, T = 58, PW = W - L - R, PH = 420;
  const double font_w = 6.0;  // approximate advance of a 10-px sans-serif character

  // Axis ranges: every point, every ridge and the peak, padded and rounded out to decades.
  double xmin = std::numeric_limits<double>::infinity(), xmax = 0, ymin = xmin, ymax = 0;
  auto take_x = [&](double v) {
    if (v > 0 && std::isfinite(v)) xmin = std::min(xmin, v), xmax = std::max(xmax, v);
  };
  auto take_y = [&](double v) {
    if (v > 0 && std::isfinite(v)) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
  };
  take_y(p.peak_ops);
  for (const PlotRoof& r : p.memory)
    if (r.bytes_per_second > 0) take_x(p.peak_ops / r.bytes_per_second);
  for (const PlotSeries& s : p.series)
    for (const PlotPoint& q : s.points) take_x(q.intensity), take_y(q.ops_per_s);
  if (!(xmax > 0)) xmin = 1, xmax = 100;
  if (!(ymax > 0)) ymin = 1e9, ymax = 1e12;
  // Lower ends on a decade, upper ends a factor of 2 above the largest value (so that a
  // cluster of points near the peak is not squeezed into the bottom of a decade).
  double lx0 = std::floor(std::log10(xmin / 1.5)), lx1 = std::log10(xmax * 2);
  double ly0 = std::floor(std::log10(ymin / 1.5)), ly1 = std::log10(ymax * 2);
  if (lx1 - lx0 < 2) lx0 = std::floor(lx1 - 2);
  if (ly1 - ly0 < 1.5) ly0 = std::floor(ly1 - 1.5);
  ly0 = std::max(ly0, std::floor(ly1 - 9));  // a point more than 9 decades below the peak sits on the axis
  const bool label_minor_x = lx1 - lx0 < 3, label_minor_y = ly1 - ly0 < 3;
  auto X = [&](double v) { return L + (std::log10(v) - lx0) / (lx1 - lx0) * PW; };
  auto Y = [&](double v) { return T + PH - (std::clamp(std::log10(v), ly0, ly1) - ly0) / (ly1 - ly0) * PH; };
  const double x_lo = std::pow(10, lx0), x_hi = std::pow(10, lx1), y_lo = std::pow(10, ly0);
  if (area_out) *area_out = {L, T, PW, PH};

  // Legend geometry.
  const int cols = 3;
  const double col_w = (W - 2 * 16) / cols, row_h = 13;
  const size_t rows = (p.legend.size() + cols - 1) / cols;
  const double axis_label_y = T + PH + 40, series_y = axis_label_y + 22;
  const double notes_y = series_y + 20;
  const double legend_y = notes_y + 15 * double(p.notes.size()) + 8;
  const double H = legend_y + row_h * double(rows) + 12;

  std::string s;
  s += fmt::format(R"~(<svg xmlns="http://www.w3.org/2000/svg" class="roofline" id="{}" width="{:.0f}" height="{:.0f}" viewBox="0 0 {:.0f} {:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="10" role="img">)~",
                   xml_escape(p.id), W, H, W, H);
  s += "\n<title>" + xml_escape(p.title) + "</title>\n";
  s += fmt::format(R"~(<rect x="0" y="0" width="{:.0f}" height="{:.0f}" fill="white"/>)~", W, H) + "\n";
  s += fmt::format(R"~(<text x="{:.1f}" y="20" font-size="15" font-weight="bold">{}</text>)~", L, xml_escape(p.title)) + "\n";
  s += fmt::format(R"~(<text x="{:.1f}" y="38" font-size="11" fill="#333">{}</text>)~", L, xml_escape(p.subtitle)) + "\n";
  s += fmt::format(R"~(<rect class="plot-area" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#fcfcfc" stroke="#222" stroke-width="1"/>)~",
                   L, T, PW, PH) +
       "\n";

  // Grid and ticks: decades labelled, 2..9 as minor ticks.
  s += "<g class=\"grid\">\n";
  for (int e = int(lx0); e <= int(lx1); ++e) {
    for (int m = 1; m <= 9; ++m) {
      const double v = m * std::pow(10, e);
      if (v < x_lo * 0.999 || v > x_hi * 1.001) continue;
      const double x = X(v);
      if (m == 1) {
        s += fmt::format(R"~(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#ddd"/>)~", x, T, T + PH) + "\n";
        s += fmt::format(R"~(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#222"/>)~", x, T + PH, T + PH + 6) + "\n";
        s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)~", x, T + PH + 18, tick_text(v)) + "\n";
      } else {
        s += fmt::format(R"~(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#222"/>)~", x, T + PH, T + PH + 3) + "\n";
        if (label_minor_x && (m == 2 || m == 5))
          s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#555" font-size="9">{}</text>)~", x, T + PH + 16,
                           tick_text(v)) +
               "\n";
      }
    }
  }
  for (int e = int(ly0); e <= int(ly1); ++e) {
    for (int m = 1; m <= 9; ++m) {
      const double v = m * std::pow(10, e);
      if (v < y_lo * 0.999 || v > std::pow(10, ly1) * 1.001) continue;
      const double y = Y(v);
      if (m == 1) {
        s += fmt::format(R"~(<line x1="{0:.1f}" y1="{2:.1f}" x2="{1:.1f}" y2="{2:.1f}" stroke="#ddd"/>)~", L, L + PW, y) + "\n";
        s += fmt::format(R"~(<line x1="{0:.1f}" y1="{2:.1f}" x2="{1:.1f}" y2="{2:.1f}" stroke="#222"/>)~", L - 6, L, y) + "\n";
        s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>)~", L - 9, y + 3.5, si(v)) + "\n";
      } else {
        s += fmt::format(R"~(<line x1="{0:.1f}" y1="{2:.1f}" x2="{1:.1f}" y2="{2:.1f}" stroke="#222"/>)~", L - 3, L, y) + "\n";
        if (label_minor_y && (m == 2 || m == 5))
          s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}" text-anchor="end" fill="#555" font-size="9">{}</text>)~", L - 7, y + 3, si(v)) +
               "\n";
      }
    }
  }
  s += "</g>\n";
  s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="12">{}</text>)~", L + PW / 2, axis_label_y,
                   xml_escape(p.x_label)) +
       "\n";
  s += fmt::format(R"~(<text transform="translate(18,{:.1f}) rotate(-90)" text-anchor="middle" font-size="12">{}</text>)~",
                   T + PH / 2, xml_escape(p.y_label)) +
       "\n";

  // Roofs, clipped to the plot area.
  std::vector<Box> taken;
  s += fmt::format(R"~(<clipPath id="{}-clip"><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/></clipPath>)~", xml_escape(p.id), L,
                   T, PW, PH) +
       "\n";
  s += fmt::format(R"~(<g class="roofs" clip-path="url(#{}-clip)">)~", xml_escape(p.id)) + "\n";
  double min_ridge = x_hi;
  const double slope_deg = std::atan((PH / (ly1 - ly0)) / (PW / (lx1 - lx0))) * 180 / M_PI;
  for (size_t i = 0; i < p.memory.size(); ++i) {
    const PlotRoof& r = p.memory[i];
    if (!(r.bytes_per_second > 0)) continue;
    const double ridge = p.peak_ops / r.bytes_per_second;
    min_ridge = std::min(min_ridge, ridge);
    const double xa = std::max(x_lo, y_lo / r.bytes_per_second), xb = std::min(ridge, x_hi);
    if (!(xa < xb)) continue;
    s += fmt::format(R"~(<line class="roof memory" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="2"{}/>)~", X(xa),
                     Y(r.bytes_per_second * xa), X(xb), Y(r.bytes_per_second * xb), r.color,
                     r.dashed ? R"~( stroke-dasharray="6,4")~" : "") +
         "\n";
    // Label along the line, a little way in from its left end (staggered per roof).
    const double t = 0.06 + 0.05 * double(i);
    const double lx = X(xa) + t * (X(xb) - X(xa)), ly = Y(r.bytes_per_second * xa) + t * (Y(r.bytes_per_second * xb) - Y(r.bytes_per_second * xa));
    s += fmt::format(R"~(<text class="roof-label" transform="translate({:.1f},{:.1f}) rotate({:.1f})" dy="-5" fill="{}">{}</text>)~", lx, ly,
                     -slope_deg, r.color, xml_escape(r.label)) +
         "\n";
  }
  if (p.peak_ops > 0) {
    const double y = Y(p.peak_ops);
    s += fmt::format(R"~(<line class="roof compute" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#b00" stroke-width="2.5"/>)~",
                     X(std::max(min_ridge, x_lo)), y, L + PW, y) +
         "\n";
  }
  s += "</g>\n";
  if (p.peak_ops > 0) {
    const double y = Y(p.peak_ops);
    // Above the roof's left end (right of the leftmost ridge), where layer points rarely are;
    // right-aligned at the edge when it does not fit there.
    const double w = font_w * double(p.peak_label.size());
    double x0 = X(std::max(min_ridge, x_lo)) + 6;
    if (x0 + w > L + PW - 4) x0 = L + PW - 4 - w;
    s += fmt::format(R"~(<text class="roof-label" x="{:.1f}" y="{:.1f}" fill="#b00" font-weight="bold">{}</text>)~", x0, y - 6,
                     xml_escape(p.peak_label)) +
         "\n";
    taken.push_back({x0, y - 17, x0 + w, y - 3});
  }

  // Points: markers first (all series), then labels placed around them without overlaps.
  struct Placed {
    double x, y;
    const PlotPoint* q;
  };
  std::vector<Placed> placed;
  s += "<g class=\"points\">\n";
  for (const PlotSeries& ser : p.series) {
    for (const PlotPoint& q : ser.points) {
      if (!(q.intensity > 0 && q.ops_per_s > 0)) continue;
      const double x = X(q.intensity), y = Y(q.ops_per_s);
      placed.push_back({x, y, &q});
      taken.push_back({x - 4, y - 4, x + 4, y + 4});
      s += fmt::format(R"~(<g class="point {}" data-layer="{}" data-number="{}" data-x="{:.1f}" data-y="{:.1f}"><title>{}</title>)~",
                       xml_escape(ser.css_class), xml_escape(q.layer), q.number, x, y,
                       xml_escape(fmt::format("#{} {} ({})\n{}", q.number, q.layer, ser.name, q.tooltip)));
      s += marker(ser.shape, x, y, ser.color) + "</g>\n";
    }
  }
  s += "</g>\n<g class=\"point-labels\" font-size=\"9\" fill=\"#111\">\n";
  for (const Placed& pl : placed) {
    const std::string txt = std::to_string(pl.q->number);
    const double w = 5.4 * double(txt.size()), h = 9;
    // Candidate anchors (text box top-left) around the marker, nearest first, then farther out.
    double best_cost = std::numeric_limits<double>::infinity();
    Box best{};
    // Rings of candidate positions around the marker, nearest first: the first free spot
    // wins; in a dense cluster labels move outwards (with a leader line).
    for (int ring = 0; ring < 12 && best_cost > 0; ++ring) {
      const double d = 6 + 9 * ring;
      const int n = 8 + 4 * ring;
      for (int k = 0; k < n; ++k) {
        const double a = 2 * M_PI * k / n;
        const double cx = pl.x + d * std::cos(a), cy = pl.y - d * std::sin(a);
        // Anchor the box on the side facing away from the marker.
        const double bx = std::cos(a) > 0.3 ? cx : (std::cos(a) < -0.3 ? cx - w : cx - w / 2);
        const double by = std::sin(a) > 0.3 ? cy - h : (std::sin(a) < -0.3 ? cy : cy - h / 2);
        Box b{bx, by, bx + w, by + h};
        if (b.x0 < L + 1 || b.x1 > L + PW - 1 || b.y0 < T + 1 || b.y1 > T + PH - 1) continue;
        double cost = 0;
        for (const Box& o : taken) cost += o.overlap_area(b);
        if (cost < best_cost) best_cost = cost, best = b;
        if (cost == 0) break;
      }
    }
    if (!std::isfinite(best_cost)) best = {pl.x + 5, pl.y - h / 2, pl.x + 5 + w, pl.y + h / 2};
    taken.push_back(best);
    const double cx = (best.x0 + best.x1) / 2, cy = (best.y0 + best.y1) / 2;
    if (std::hypot(cx - pl.x, cy - pl.y) > 14)  // a leader line when the label sits far out
      s += fmt::format(R"~(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#999" stroke-width="0.5"/>)~", pl.x, pl.y, cx, cy) + "\n";
    s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}">{}</text>)~", best.x0, best.y1 - 1.5, txt) + "\n";
  }
  s += "</g>\n";

  // Series legend, notes, layer legend.
  double lx = L;
  for (const PlotSeries& ser : p.series) {
    s += marker(ser.shape, lx + 4, series_y - 4, ser.color);
    s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}" font-size="11">{}</text>)~", lx + 12, series_y, xml_escape(ser.name)) + "\n";
    lx += 24 + 6.2 * double(ser.name.size());
  }
  for (size_t i = 0; i < p.notes.size(); ++i)
    s += fmt::format(R"~(<text x="16" y="{:.1f}" fill="#333">{}</text>)~", notes_y + 15 * double(i), xml_escape(p.notes[i])) + "\n";
  s += "<g class=\"legend\" font-size=\"9.5\">\n";
  for (size_t i = 0; i < p.legend.size(); ++i) {
    const size_t col = i / rows, row = i % rows;
    const double x = 16 + col_w * double(col), y = legend_y + row_h * double(row) + 9;
    std::string name = p.legend[i].second;
    const size_t max_chars = size_t((col_w - 30) / 5.3);
    if (name.size() > max_chars) name = name.substr(0, max_chars - 1) + "…";
    s += fmt::format(R"~(<text x="{:.1f}" y="{:.1f}"><tspan font-weight="bold">{}</tspan> {}<title>{}</title></text>)~", x, y,
                     p.legend[i].first, xml_escape(name), xml_escape(p.legend[i].second)) +
         "\n";
  }
  s += "</g>\n</svg>\n";
  return s;
}

}  // namespace systole::roofline
