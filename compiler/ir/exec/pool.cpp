// Pools over 1-D/2-D windows (1-D runs as 2-D with height 1): MaxPool (float, int8; padding
// never wins), AveragePool (count_include_pad counts padding inside the padded extent, as
// onnxruntime does), GlobalAveragePool.
#include <algorithm>
#include <limits>

#include "compiler/ir/exec/kernels.hpp"
#include "compiler/ir/window.hpp"

namespace systole::ir::exec {
namespace {

struct PoolGeom {
  int64_t planes, h, w, kh, kw, sh, sw, dh, dw, ph, pw, peh, pew, oh, ow;
};

PoolGeom geometry(const Node& n, const Shape& x, const Shape& y) {
  const Window win = read_window(n);
  const bool one_d = win.rank == 1;
  auto at = [&](const std::vector<int64_t>& v, int d) { return one_d ? (d == 0 ? 1 : v[0]) : v[size_t(d)]; };
  PoolGeom g{};
  g.planes = x[0] * x[1];
  g.h = one_d ? 1 : x[2];
  g.w = x.back();
  g.kh = at(win.kernel, 0);
  g.kw = at(win.kernel, 1);
  g.sh = at(win.strides, 0);
  g.sw = at(win.strides, 1);
  g.dh = at(win.dilations, 0);
  g.dw = at(win.dilations, 1);
  g.ph = one_d ? 0 : win.pads[0];
  g.pw = one_d ? win.pads[0] : win.pads[1];
  g.peh = one_d ? 0 : win.pads[2];
  g.pew = one_d ? win.pads[1] : win.pads[3];
  g.oh = one_d ? 1 : y[2];
  g.ow = y.back();
  return g;
}

template <class T>
void max_pool_t(const PoolGeom& g, const T* x, T* y) {
  for (int64_t p = 0; p < g.planes; ++p)
    for (int64_t oh = 0; oh < g.oh; ++oh)
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        T best = std::numeric_limits<T>::lowest();
        for (int64_t i = 0; i < g.kh; ++i)
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t ih = oh * g.sh - g.ph + i * g.dh, iw = ow * g.sw - g.pw + j * g.dw;
            if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) best = std::max(best, x[(p * g.h + ih) * g.w + iw]);
          }
        y[(p * g.oh + oh) * g.ow + ow] = best;
      }
}

}  // namespace

void max_pool(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  const PoolGeom g = geometry(a.n, x.shape, y.shape);
  if (x.dtype == DType::f32) max_pool_t(g, x.data<float>(), y.data<float>());
  else max_pool_t(g, x.data<int8_t>(), y.data<int8_t>());
}

void average_pool(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  const PoolGeom g = geometry(a.n, x.shape, y.shape);
  const bool include_pad = a.n.attrs.get_int("count_include_pad", 0) != 0;
  const float* xp = x.data<float>();
  float* yp = y.data<float>();
  for (int64_t p = 0; p < g.planes; ++p)
    for (int64_t oh = 0; oh < g.oh; ++oh)
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        float sum = 0;
        int64_t count = 0;
        for (int64_t i = 0; i < g.kh; ++i)
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t ih = oh * g.sh - g.ph + i * g.dh, iw = ow * g.sw - g.pw + j * g.dw;
            const bool inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
            // Padding counts only within the declared pads, not past them (ceil_mode overhang).
            const bool in_padded = ih < g.h + g.peh && iw < g.w + g.pew;
            if (inside) sum += xp[(p * g.h + ih) * g.w + iw];
            if (inside || (include_pad && in_padded)) ++count;
          }
        yp[(p * g.oh + oh) * g.ow + ow] = count ? sum / float(count) : 0.f;
      }
}

void global_average_pool(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  const int64_t planes = x.shape[0] * x.shape[1], area = x.numel() / std::max<int64_t>(planes, 1);
  const float* xp = x.data<float>();
  float* yp = y.data<float>();
  for (int64_t p = 0; p < planes; ++p) {
    double sum = 0;  // double: large planes (56x56) keep full float precision in the mean
    for (int64_t i = 0; i < area; ++i) sum += xp[p * area + i];
    yp[p] = float(sum / double(area));
  }
}

}  // namespace systole::ir::exec
