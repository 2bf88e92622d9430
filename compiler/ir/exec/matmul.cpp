// Gemm (alpha, beta, transA, transB, broadcast C), numpy-style batched MatMul, and the
// integer forms MatMulInteger / QLinearMatMul (per-row A and per-column B parameters).
#include <Eigen/Core>

#include "compiler/ir/exec/kernels.hpp"

namespace systole::ir::exec {
namespace {

template <class T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Batched matmul geometry after numpy's 1-D promotion.
struct Batched {
  int64_t m, k, n;
  std::vector<int64_t> a_batch, b_batch;  // per output batch: batch index into A and B
};

Batched batched(Shape a, Shape b) {
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  Batched r;
  r.m = a[a.size() - 2];
  r.k = a.back();
  r.n = b.back();
  const Shape ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  const Shape out = broadcast_shapes(ab, bb);
  r.a_batch = broadcast_index(out, ab);
  r.b_batch = broadcast_index(out, bb);
  return r;
}

template <class T>
void batched_matmul(const Batched& g, const T* a, const T* b, T* y) {
  for (size_t i = 0; i < g.a_batch.size(); ++i) {
    Eigen::Map<const RowMat<T>> am(a + g.a_batch[i] * g.m * g.k, g.m, g.k);
    Eigen::Map<const RowMat<T>> bm(b + g.b_batch[i] * g.k * g.n, g.k, g.n);
    Eigen::Map<RowMat<T>> ym(y + int64_t(i) * g.m * g.n, g.m, g.n);
    ym.noalias() = am * bm;
  }
}

// Int32 accumulators (wrapping) of sum_k (a - za[m]) * (b - zb[n]); a/b/y positions differ
// between MatMulInteger and QLinearMatMul. Returns the geometry for per-row/column lookups.
Batched integer_acc(const Tensor& a, const Tensor& b, const Tensor* za, const Tensor* zb, std::vector<int32_t>& acc) {
  const Batched g = batched(a.shape, b.shape);
  const std::vector<int32_t> zav = params_i32(za, 0, g.m), zbv = params_i32(zb, 0, g.n);
  std::vector<int64_t> as(size_t(a.numel())), bs(size_t(b.numel()));
  for (size_t i = 0; i < as.size(); ++i) as[i] = int64_t(a.data<int8_t>()[i]) - zav[size_t((int64_t(i) / g.k) % g.m)];
  for (size_t i = 0; i < bs.size(); ++i) bs[i] = int64_t(b.data<int8_t>()[i]) - zbv[size_t(int64_t(i) % g.n)];
  std::vector<int64_t> ys(g.a_batch.size() * size_t(g.m * g.n));
  batched_matmul<int64_t>(g, as.data(), bs.data(), ys.data());
  acc.resize(ys.size());
  for (size_t i = 0; i < ys.size(); ++i) acc[i] = int32_t(uint32_t(uint64_t(ys[i])));
  return g;
}

}  // namespace

void gemm(KernelArgs& a) {
  const Tensor& at = a.input(0);
  const Tensor& bt = a.input(1);
  Tensor& y = a.output(0);
  const bool ta = a.n.attrs.get_int("transA", 0), tb = a.n.attrs.get_int("transB", 0);
  const float alpha = a.n.attrs.get_float("alpha", 1.f), beta = a.n.attrs.get_float("beta", 1.f);
  Eigen::Map<const RowMat<float>> am(at.data<float>(), at.shape[0], at.shape[1]);
  Eigen::Map<const RowMat<float>> bm(bt.data<float>(), bt.shape[0], bt.shape[1]);
  Eigen::Map<RowMat<float>> ym(y.data<float>(), y.shape[0], y.shape[1]);
  if (ta && tb) ym.noalias() = am.transpose() * bm.transpose();
  else if (ta) ym.noalias() = am.transpose() * bm;
  else if (tb) ym.noalias() = am * bm.transpose();
  else ym.noalias() = am * bm;
  ym *= alpha;
  if (a.has(2)) {
    const Tensor& c = a.input(2);
    const std::vector<int64_t> ci = broadcast_index(y.shape, c.shape);
    float* yp = y.data<float>();
    for (int64_t i = 0; i < y.numel(); ++i) yp[i] += beta * c.data<float>()[ci[size_t(i)]];
  }
  apply_fused_clip(a.n, y);
}

void matmul(KernelArgs& a) {
  Tensor& y = a.output(0);
  batched_matmul<float>(batched(a.input(0).shape, a.input(1).shape), a.input(0).data<float>(), a.input(1).data<float>(),
                        y.data<float>());
}

void matmul_integer(KernelArgs& a) {
  Tensor& y = a.output(0);
  std::vector<int32_t> acc;
  integer_acc(a.input(0), a.input(1), a.has(2) ? &a.input(2) : nullptr, a.has(3) ? &a.input(3) : nullptr, acc);
  std::copy(acc.begin(), acc.end(), y.data<int32_t>());
}

// Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
void qlinear_matmul(KernelArgs& a) {
  Tensor& y = a.output(0);
  std::vector<int32_t> acc;
  const Batched g = integer_acc(a.input(0), a.input(3), &a.input(2), &a.input(5), acc);
  const std::vector<double> as = params_f64(&a.input(1), 1.0, g.m), bs = params_f64(&a.input(4), 1.0, g.n);
  const float ys = float(a.input(6).get_f64(0));
  const int32_t zy = int32_t(a.input(7).get_i64(0));
  std::vector<Requant> rq(size_t(g.m * g.n));
  for (int64_t m = 0; m < g.m; ++m)
    for (int64_t n = 0; n < g.n; ++n) rq[size_t(m * g.n + n)] = Requant::from_scales(float(as[size_t(m)]), float(bs[size_t(n)]), ys);
  int8_t* yp = y.data<int8_t>();
  for (size_t i = 0; i < acc.size(); ++i) yp[i] = rq[i % size_t(g.m * g.n)].apply(acc[i], 0, zy);
}

}  // namespace systole::ir::exec
