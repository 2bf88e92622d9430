// Convolutions: float Conv (Eigen GEMM over an im2col buffer, per image and group),
// ConvInteger (int32 accumulator of (x - zx)(w - zw)) and QLinearConv (that accumulator plus
// bias, requantized exactly; see Requant). 1-D convolutions run as 2-D with height 1.
#include <Eigen/Core>

#include "compiler/ir/exec/kernels.hpp"
#include "compiler/ir/window.hpp"

namespace systole::ir::exec {
namespace {

struct ConvGeom {
  int64_t n, c, h, w, m, group, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow;
  int64_t cg() const { return c / group; }
  int64_t mg() const { return m / group; }
  int64_t patch() const { return cg() * kh * kw; }
};

ConvGeom geometry(const Node& node, const Shape& x, const Shape& w, const Shape& y) {
  const Window win = read_window(node);
  const bool one_d = win.rank == 1;
  auto sp = [&](const std::vector<int64_t>& v, int d, int64_t dflt) { return one_d ? (d == 0 ? dflt : v[0]) : v[size_t(d)]; };
  ConvGeom g{};
  g.n = x[0];
  g.c = x[1];
  g.h = one_d ? 1 : x[2];
  g.w = x.back();
  g.m = w[0];
  g.group = node.attrs.get_int("group", 1);
  g.kh = sp(win.kernel, 0, 1);
  g.kw = sp(win.kernel, 1, 1);
  g.sh = sp(win.strides, 0, 1);
  g.sw = sp(win.strides, 1, 1);
  g.dh = sp(win.dilations, 0, 1);
  g.dw = sp(win.dilations, 1, 1);
  g.ph = one_d ? 0 : win.pads[0];
  g.pw = one_d ? win.pads[0] : win.pads[1];
  g.oh = one_d ? 1 : y[2];
  g.ow = y.back();
  return g;
}

template <class T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// y[n][m][oh][ow] = sum over the window of x * w, with padded positions reading `pad`.
// T is float for Conv and int64 for the integer convs (exact; the caller wraps to int32).
template <class T>
void conv_core(const ConvGeom& g, const T* x, const T* w, T* y, T pad) {
  RowMat<T> col(g.patch(), g.oh * g.ow);
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t gr = 0; gr < g.group; ++gr) {
      // im2col: row (c, i, j) of the patch, column (oh, ow) of the output.
      for (int64_t c = 0; c < g.cg(); ++c) {
        const T* xc = x + ((n * g.c) + gr * g.cg() + c) * g.h * g.w;
        for (int64_t i = 0; i < g.kh; ++i)
          for (int64_t j = 0; j < g.kw; ++j) {
            T* row = col.data() + ((c * g.kh + i) * g.kw + j) * g.oh * g.ow;
            for (int64_t oh = 0; oh < g.oh; ++oh) {
              const int64_t ih = oh * g.sh - g.ph + i * g.dh;
              for (int64_t ow = 0; ow < g.ow; ++ow) {
                const int64_t iw = ow * g.sw - g.pw + j * g.dw;
                const bool inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
                row[oh * g.ow + ow] = inside ? xc[ih * g.w + iw] : pad;
              }
            }
          }
      }
      Eigen::Map<const RowMat<T>> wm(w + gr * g.mg() * g.patch(), g.mg(), g.patch());
      Eigen::Map<RowMat<T>> ym(y + (n * g.m + gr * g.mg()) * g.oh * g.ow, g.mg(), g.oh * g.ow);
      ym.noalias() = wm * col;
    }
}

// The int32 accumulators of ConvInteger / QLinearConv, wrapping modulo 2^32 like the hardware.
std::vector<int32_t> integer_acc(const ConvGeom& g, const Tensor& x, const Tensor& w, const Tensor* xz, const Tensor* wz) {
  const int32_t zx = params_i32(xz, 0, 1)[0];
  const std::vector<int32_t> zw = params_i32(wz, 0, g.m);
  std::vector<int64_t> xs(size_t(x.numel())), ws(size_t(w.numel())), ys(size_t(g.n * g.m * g.oh * g.ow));
  const int8_t* xp = x.data<int8_t>();
  const int8_t* wp = w.data<int8_t>();
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = int64_t(xp[i]) - zx;
  const int64_t per_m = g.patch();
  for (size_t i = 0; i < ws.size(); ++i) ws[i] = int64_t(wp[i]) - zw[size_t(int64_t(i) / per_m)];
  conv_core<int64_t>(g, xs.data(), ws.data(), ys.data(), 0);  // padding reads x_zero_point: 0 after the shift
  std::vector<int32_t> acc(ys.size());
  for (size_t i = 0; i < ys.size(); ++i) acc[i] = int32_t(uint32_t(uint64_t(ys[i])));
  return acc;
}

}  // namespace

void conv(KernelArgs& a) {
  const Tensor& x = a.input(0);
  const Tensor& w = a.input(1);
  Tensor& y = a.output(0);
  const ConvGeom g = geometry(a.n, x.shape, w.shape, y.shape);
  conv_core<float>(g, x.data<float>(), w.data<float>(), y.data<float>(), 0.f);
  if (a.has(2)) {
    const float* b = a.input(2).data<float>();
    float* yp = y.data<float>();
    for (int64_t i = 0; i < y.numel(); ++i) yp[i] += b[(i / (g.oh * g.ow)) % g.m];
  }
  apply_fused_clip(a.n, y);
}

void conv_integer(KernelArgs& a) {
  Tensor& y = a.output(0);
  const ConvGeom g = geometry(a.n, a.input(0).shape, a.input(1).shape, y.shape);
  const std::vector<int32_t> acc =
      integer_acc(g, a.input(0), a.input(1), a.has(2) ? &a.input(2) : nullptr, a.has(3) ? &a.input(3) : nullptr);
  std::copy(acc.begin(), acc.end(), y.data<int32_t>());
}

// Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
void qlinear_conv(KernelArgs& a) {
  Tensor& y = a.output(0);
  const ConvGeom g = geometry(a.n, a.input(0).shape, a.input(3).shape, y.shape);
  const std::vector<int32_t> acc = integer_acc(g, a.input(0), a.input(3), &a.input(2), &a.input(5));
  const float xs = float(a.input(1).get_f64(0)), ys = float(a.input(6).get_f64(0));
  const std::vector<double> ws = params_f64(&a.input(4), 1.0, g.m);
  const std::vector<int32_t> bias = params_i32(a.has(8) ? &a.input(8) : nullptr, 0, g.m);
  const int32_t zy = int32_t(a.input(7).get_i64(0));
  std::vector<Requant> rq(size_t(g.m));
  for (int64_t m = 0; m < g.m; ++m) rq[size_t(m)] = Requant::from_scales(xs, float(ws[size_t(m)]), ys);
  int8_t* yp = y.data<int8_t>();
  for (size_t i = 0; i < acc.size(); ++i) {
    const size_t m = size_t((int64_t(i) / (g.oh * g.ow)) % g.m);
    yp[i] = rq[m].apply(acc[i], bias[m], zy);
  }
}

}  // namespace systole::ir::exec
