// Elementwise kernels: broadcasting Add/Sub/Mul/Div, Relu, Clip, inference BatchNormalization.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "compiler/ir/exec/kernels.hpp"

namespace systole::ir::exec {
namespace {

template <class T>
void binary_t(const std::string& op, const Tensor& a, const Tensor& b, Tensor& y) {
  const T* ap = a.data<T>();
  const T* bp = b.data<T>();
  T* yp = y.data<T>();
  const bool same = a.shape == y.shape && b.shape == y.shape;
  std::vector<int64_t> ai, bi;
  if (!same) {
    ai = broadcast_index(y.shape, a.shape);
    bi = broadcast_index(y.shape, b.shape);
  }
  const int kind = op == "Add" ? 0 : op == "Sub" ? 1 : op == "Mul" ? 2 : 3;
  for (int64_t i = 0; i < y.numel(); ++i) {
    const T u = ap[same ? i : ai[size_t(i)]], v = bp[same ? i : bi[size_t(i)]];
    if constexpr (std::is_integral_v<T>) {
      // Integers wrap (two's complement) instead of overflowing into undefined behaviour.
      using U = std::make_unsigned_t<T>;
      switch (kind) {
        case 0: yp[i] = T(U(u) + U(v)); break;
        case 1: yp[i] = T(U(u) - U(v)); break;
        case 2: yp[i] = T(U(u) * U(v)); break;
        default:
          if (v == 0) throw Error("integer division by zero");
          yp[i] = v == -1 ? T(U(0) - U(u)) : T(u / v);  // INT_MIN / -1 traps on x86
      }
    } else {
      switch (kind) {
        case 0: yp[i] = u + v; break;
        case 1: yp[i] = u - v; break;
        case 2: yp[i] = u * v; break;
        default: yp[i] = u / v;
      }
    }
  }
}

template <class T>
void clamp_t(const Tensor& x, Tensor& y, T lo, T hi) {
  const T* xp = x.data<T>();
  T* yp = y.data<T>();
  for (int64_t i = 0; i < x.numel(); ++i) yp[i] = std::min(std::max(xp[i], lo), hi);
}

template <class T>
void clip_t(KernelArgs& a) {
  const T lo = a.has(1) ? a.input(1).data<T>()[0] : std::numeric_limits<T>::lowest();
  const T hi = a.has(2) ? a.input(2).data<T>()[0] : std::numeric_limits<T>::max();
  clamp_t<T>(a.input(0), a.output(0), lo, hi);
}

}  // namespace

void binary(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  switch (x.dtype) {
    case DType::f32: binary_t<float>(a.n.op, x, a.input(1), y); apply_fused_clip(a.n, y); break;
    case DType::i32: binary_t<int32_t>(a.n.op, x, a.input(1), y); break;
    case DType::i64: binary_t<int64_t>(a.n.op, x, a.input(1), y); break;
    default: throw Error(fmt::format("{} on {} is not supported", a.n.op, dtype_name(x.dtype)));
  }
}

void relu(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  switch (x.dtype) {
    case DType::f32: clamp_t<float>(x, y, 0.f, std::numeric_limits<float>::infinity()); break;
    case DType::i8: clamp_t<int8_t>(x, y, 0, 127); break;
    case DType::i32: clamp_t<int32_t>(x, y, 0, INT32_MAX); break;
    default: throw Error("Relu dtype not supported");
  }
}

void clip(KernelArgs& a) {
  switch (a.input(0).dtype) {
    case DType::f32: clip_t<float>(a); break;
    case DType::i8: clip_t<int8_t>(a); break;
    case DType::i32: clip_t<int32_t>(a); break;
    default: throw Error("Clip dtype not supported");
  }
}

// y = (x - mean) / sqrt(var + eps) * scale + B, in float32 in that order (as ONNX's reference).
void batch_norm(KernelArgs& a) {
  const Tensor& x = a.input(0);
  Tensor& y = a.output(0);
  const float eps = a.n.attrs.get_float("epsilon", 1e-5f);
  const float* s = a.input(1).data<float>();
  const float* b = a.input(2).data<float>();
  const float* mean = a.input(3).data<float>();
  const float* var = a.input(4).data<float>();
  const int64_t c = x.shape[1], inner = x.numel() / std::max<int64_t>(x.shape[0] * c, 1);
  const float* xp = x.data<float>();
  float* yp = y.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t ch = (i / inner) % c;
    yp[i] = (xp[i] - mean[ch]) / std::sqrt(var[ch] + eps) * s[ch] + b[ch];
  }
}

}  // namespace systole::ir::exec
