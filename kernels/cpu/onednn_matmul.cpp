// oneDNN 2.6 baseline (see onednn_matmul.hpp). oneDNN here uses the OpenMP runtime: the
// thread count is set with omp_set_num_threads around each call and restored afterwards.
#include "kernels/cpu/onednn_matmul.hpp"

#include <omp.h>

#include <dnnl.hpp>
#include <unordered_map>
#include <vector>

namespace systole::cpu::onednn {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

bool available() { return true; }

std::string version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

namespace {
// Sets the OpenMP thread count for a scope (oneDNN reads omp_get_max_threads()).
struct ThreadScope {
  int saved;
  explicit ThreadScope(int n) : saved(omp_get_max_threads()) { omp_set_num_threads(n); }
  ~ThreadScope() { omp_set_num_threads(saved); }
};
}  // namespace

struct Int8Matmul::Impl {
  MatmulConfig cfg;
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  dnnl::memory::desc a_md, c_md;
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul prim;
  dnnl::memory b_mem, zp_src, zp_dst, scales;
  int32_t zp_src_val = 0, zp_dst_val = 0;
  std::vector<float> scale_vals;
};

Int8Matmul::Int8Matmul(const MatmulConfig& cfg, const int8_t* B, const float* scales) : impl_(new Impl) {
  Impl& p = *impl_;
  p.cfg = cfg;
  ThreadScope ts(cfg.threads);
  const dnnl::memory::dim M = cfg.M, N = cfg.N, K = cfg.K;
  p.a_md = dnnl::memory::desc({M, K}, cfg.src == Src::kU8 ? dt::u8 : dt::s8, tag::ab);
  const dnnl::memory::desc b_any({K, N}, dt::s8, tag::any);
  p.c_md = dnnl::memory::desc({M, N}, cfg.dst == Dst::kS32 ? dt::s32 : dt::s8, tag::ab);
  dnnl::primitive_attr attr;
  if (cfg.src == Src::kS8WithZeroPoint) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
  if (cfg.dst == Dst::kS8Scaled) {
    attr.set_output_scales(1 << 1, {DNNL_RUNTIME_F32_VAL});  // per column n
    attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
    p.scale_vals.assign(scales, scales + N);
  }
  p.pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(p.a_md, b_any, p.c_md), attr, p.eng);
  p.prim = dnnl::matmul(p.pd);
  // Weights: reorder once into the primitive's layout (outside the timed region).
  dnnl::memory b_user({{K, N}, dt::s8, tag::ab}, p.eng, const_cast<int8_t*>(B));
  p.b_mem = dnnl::memory(p.pd.weights_desc(), p.eng);
  dnnl::reorder(b_user, p.b_mem).execute(p.strm, b_user, p.b_mem);
  const dnnl::memory::desc one_s32({1}, dt::s32, tag::x);
  p.zp_src = dnnl::memory(one_s32, p.eng, &p.zp_src_val);
  p.zp_dst = dnnl::memory(one_s32, p.eng, &p.zp_dst_val);
  if (!p.scale_vals.empty())
    p.scales = dnnl::memory({{N}, dt::f32, tag::x}, p.eng, p.scale_vals.data());
  p.strm.wait();
}

Int8Matmul::~Int8Matmul() = default;

void Int8Matmul::run(const void* A, void* C, int32_t a_zero_point, int32_t c_zero_point) {
  Impl& p = *impl_;
  ThreadScope ts(p.cfg.threads);
  p.zp_src_val = a_zero_point;
  p.zp_dst_val = c_zero_point;
  dnnl::memory a(p.a_md, p.eng, const_cast<void*>(A));
  dnnl::memory c(p.c_md, p.eng, C);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, p.b_mem}, {DNNL_ARG_DST, c}};
  if (p.cfg.src == Src::kS8WithZeroPoint) args.insert({DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, p.zp_src});
  if (p.cfg.dst == Dst::kS8Scaled) {
    args.insert({DNNL_ARG_ATTR_OUTPUT_SCALES, p.scales});
    args.insert({DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, p.zp_dst});
  }
  p.prim.execute(p.strm, args);
  p.strm.wait();
}

std::string Int8Matmul::implementation() const { return impl_->pd.impl_info_str(); }

}  // namespace systole::cpu::onednn
