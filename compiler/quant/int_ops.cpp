// Integer kernels of Add, MaxPool, AvgPool, Concat, Reshape, Clamp and the asymmetric-weight
// convolution (see int_ops.hpp).
#include "compiler/quant/int_ops.hpp"

#include <algorithm>
#include <cstring>

#include "arch/requant.hpp"

namespace systole::quant {

namespace {
inline int8_t clamp8(int64_t v, int32_t lo, int32_t hi) {
  v = std::min<int64_t>(std::max<int64_t>(v, lo), hi);
  return int8_t(std::min<int64_t>(std::max<int64_t>(v, -128), 127));
}
}  // namespace

int32_t apply_rescale(int32_t x, const Rescale& r) { return scale_round(x, r.mult, r.shift); }

void add_i8(const QOp& op, const QTensor& ta, const int8_t* a, const QTensor& tb, const int8_t* b, const QTensor& ty,
            int8_t* y) {
  const Rescale ra = op.rescale.at(0), rb = op.rescale.at(1);
  const int32_t za = ta.q.zero_point, zb = tb.q.zero_point, zy = ty.q.zero_point;
  for (int64_t i = 0; i < ty.numel(); ++i) {
    const int64_t v = int64_t(zy) + scale_round(int32_t(a[i]) - za, ra.mult, ra.shift) +
                      scale_round(int32_t(b[i]) - zb, rb.mult, rb.shift);
    y[i] = clamp8(v, op.clamp_lo, op.clamp_hi);
  }
}

namespace {
template <class F> void pool_windows(const PoolParams& p, const QTensor& tx, const QTensor& ty, F f) {
  for (int64_t n = 0; n < ty.n; ++n)
    for (int64_t oy = 0; oy < ty.h; ++oy)
      for (int64_t ox = 0; ox < ty.w; ++ox) {
        const int64_t y0 = oy * p.stride_h - p.pad_top, x0 = ox * p.stride_w - p.pad_left;
        const int64_t ya = std::max<int64_t>(y0, 0), yb = std::min<int64_t>(y0 + p.kh, tx.h);
        const int64_t xa = std::max<int64_t>(x0, 0), xb = std::min<int64_t>(x0 + p.kw, tx.w);
        // Taps inside the declared padding (count_include_pad): not past the end pads.
        const int64_t pya = y0, pyb = std::min<int64_t>(y0 + p.kh, tx.h + p.pad_bottom);
        const int64_t pxa = x0, pxb = std::min<int64_t>(x0 + p.kw, tx.w + p.pad_right);
        const int64_t padded_count = (pyb - pya) * (pxb - pxa);
        f(((n * ty.h + oy) * ty.w + ox) * ty.c, n, ya, yb, xa, xb, padded_count);
      }
}
}  // namespace

void max_pool_i8(const QOp& op, const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y) {
  const int64_t C = tx.c;
  pool_windows(op.pool, tx, ty, [&](int64_t out, int64_t n, int64_t ya, int64_t yb, int64_t xa, int64_t xb, int64_t) {
    int8_t* dst = y + out;
    std::fill(dst, dst + C, int8_t(-128));
    for (int64_t iy = ya; iy < yb; ++iy)
      for (int64_t ix = xa; ix < xb; ++ix) {
        const int8_t* src = x + ((n * tx.h + iy) * tx.w + ix) * C;
        for (int64_t c = 0; c < C; ++c) dst[c] = std::max(dst[c], src[c]);
      }
  });
}

void avg_pool_i8(const QOp& op, const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y) {
  const int64_t C = tx.c;
  const int32_t zx = tx.q.zero_point, zy = ty.q.zero_point;
  std::vector<int32_t> sum(static_cast<size_t>(C), 0);
  pool_windows(op.pool, tx, ty, [&](int64_t out, int64_t n, int64_t ya, int64_t yb, int64_t xa, int64_t xb, int64_t padded) {
    std::fill(sum.begin(), sum.end(), 0);
    const int64_t valid = std::max<int64_t>(yb - ya, 0) * std::max<int64_t>(xb - xa, 0);
    for (int64_t iy = ya; iy < yb; ++iy)
      for (int64_t ix = xa; ix < xb; ++ix) {
        const int8_t* src = x + ((n * tx.h + iy) * tx.w + ix) * C;
        for (int64_t c = 0; c < C; ++c) sum[size_t(c)] += int32_t(src[c]) - zx;
      }
    const int64_t count = op.pool.count_include_pad ? padded : valid;
    const Rescale r = op.avg_rescale.at(size_t(count));
    for (int64_t c = 0; c < C; ++c)
      y[out + c] = clamp8(int64_t(zy) + scale_round(sum[size_t(c)], r.mult, r.shift), op.clamp_lo, op.clamp_hi);
  });
}

void clamp_i8(const QOp& op, const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y) {
  const Rescale r = op.rescale.at(0);
  const int32_t zx = tx.q.zero_point, zy = ty.q.zero_point;
  if (r.identity() && zx == zy) {
    for (int64_t i = 0; i < ty.numel(); ++i) y[i] = clamp8(x[i], op.clamp_lo, op.clamp_hi);
    return;
  }
  for (int64_t i = 0; i < ty.numel(); ++i)
    y[i] = clamp8(int64_t(zy) + apply_rescale(int32_t(x[i]) - zx, r), op.clamp_lo, op.clamp_hi);
}

void conv_wzp_i8(const QOp& op, const int8_t* x, int8_t* y) {
  const compiler::ConvLayer& c = op.conv;
  const int64_t H = c.h, W = c.w, C = c.c_in, O = c.c_out, oh = c.out_h(), ow = c.out_w();
  const int64_t ci_g = C / c.groups, co_g = O / c.groups;
  const int32_t zx = c.a_zero_point;
  for (int64_t n = 0; n < int64_t(c.n); ++n)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t o = 0; o < O; ++o) {
          const int64_t g = o / co_g;
          const int32_t zw = op.weight_zero_point.at(size_t(o));
          uint32_t sum = 0;  // int32 two's-complement wrap, as the accelerator's accumulator
          for (int64_t ky = 0; ky < int64_t(c.kh); ++ky)
            for (int64_t kx = 0; kx < int64_t(c.kw); ++kx) {
              const int64_t iy = oy * c.stride_h - int64_t(c.pad_top) + ky * c.dil_h;
              const int64_t ix = ox * c.stride_w - int64_t(c.pad_left) + kx * c.dil_w;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;  // padding: (zp_x - zp_x) * w = 0
              const int8_t* px = x + ((n * H + iy) * W + ix) * C + g * ci_g;
              const int8_t* wk = c.weights.data() + ((o * c.kh + ky) * c.kw + kx) * ci_g;
              for (int64_t i = 0; i < ci_g; ++i)
                sum += uint32_t((int32_t(px[i]) - zx) * (int32_t(wk[i]) - zw));
            }
          y[((n * oh + oy) * ow + ox) * O + o] =
              requantize(int32_t(sum), c.bias[size_t(o)], c.mult[size_t(o)], c.shift[size_t(o)], c.out_zero_point,
                         c.clamp_lo, c.clamp_hi);
        }
}

void concat_part_i8(const QTensor& tx, const int8_t* x, const Rescale& r, const QTensor& ty, int64_t c_offset, int8_t* y) {
  const int64_t pixels = tx.n * tx.h * tx.w, C = tx.c;
  const bool same = r.identity() && tx.q.zero_point == ty.q.zero_point;
  for (int64_t p = 0; p < pixels; ++p) {
    const int8_t* src = x + p * C;
    int8_t* dst = y + p * ty.c + c_offset;
    if (same) {
      std::memcpy(dst, src, size_t(C));
      continue;
    }
    for (int64_t c = 0; c < C; ++c)
      dst[c] = clamp8(int64_t(ty.q.zero_point) + apply_rescale(int32_t(src[c]) - tx.q.zero_point, r), -128, 127);
  }
}

bool reshape_is_copy(const QTensor& tx, const QTensor& ty) {
  auto plain = [](const QTensor& t) { return t.c == 1 || t.h * t.w == 1; };
  return plain(tx) && plain(ty);
}

void reshape_i8(const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y) {
  if (reshape_is_copy(tx, ty)) {
    std::memcpy(y, x, size_t(tx.numel()));
    return;
  }
  const std::vector<int8_t> l = to_logical(tx, x);
  const std::vector<int8_t> o = to_nhwc(ty, l.data());
  std::memcpy(y, o.data(), o.size());
}

}  // namespace systole::quant
