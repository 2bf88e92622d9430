// oneDNN int8 convolution baseline (see onednn_conv.hpp). oneDNN uses the OpenMP runtime:
// the thread count is set around each call and restored afterwards.
#include "roofline/onednn_conv.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <dnnl.hpp>
#include <unordered_map>

#include "arch/error.hpp"

namespace systole::roofline {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

namespace {
struct ThreadScope {
  int saved;
  explicit ThreadScope(int n) : saved(omp_get_max_threads()) { omp_set_num_threads(n); }
  ~ThreadScope() { omp_set_num_threads(saved); }
};
}  // namespace

struct OnednnConv::Impl {
  int threads = 1;
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  dnnl::memory::desc src_md, dst_md;
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
  dnnl::memory w_mem;
};

OnednnConv::OnednnConv(const cpu::ConvShape& s, const int8_t* w, int threads) : impl_(new Impl) {
  Impl& p = *impl_;
  p.threads = threads;
  ThreadScope ts(threads);
  using dims = dnnl::memory::dims;
  try {
    p.src_md = dnnl::memory::desc({s.n, s.c, s.h, s.w}, dt::u8, tag::nhwc);
    p.dst_md = dnnl::memory::desc({s.n, s.o, s.out_h(), s.out_w()}, dt::s32, tag::nhwc);
    const bool grouped = s.groups > 1;
    const dims wdims = grouped ? dims{s.groups, s.og(), s.cg(), s.kh, s.kw} : dims{s.o, s.c, s.kh, s.kw};
    const dnnl::memory::desc w_any(wdims, dt::s8, tag::any);
    const dnnl::memory::desc w_user(wdims, dt::s8, grouped ? tag::gohwi : tag::ohwi);
    const dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, p.src_md,
                                            w_any, p.dst_md, {s.stride_h, s.stride_w}, {s.dil_h - 1, s.dil_w - 1},
                                            {s.pad_t, s.pad_l}, {s.pad_b, s.pad_r});
    p.pd = dnnl::convolution_forward::primitive_desc(d, p.eng);
    p.prim = dnnl::convolution_forward(p.pd);
    dnnl::memory wu(w_user, p.eng, const_cast<int8_t*>(w));
    p.w_mem = dnnl::memory(p.pd.weights_desc(), p.eng);
    dnnl::reorder(wu, p.w_mem).execute(p.strm, wu, p.w_mem);
    p.strm.wait();
  } catch (const dnnl::error& e) {
    throw Error(fmt::format("oneDNN convolution {}x{}x{}x{} -> {} k{}x{} g{}: {}", s.n, s.h, s.w, s.c, s.o, s.kh, s.kw, s.groups,
                            e.what()));
  }
}

OnednnConv::~OnednnConv() = default;

void OnednnConv::run(const uint8_t* x, int32_t* y) {
  Impl& p = *impl_;
  ThreadScope ts(p.threads);
  dnnl::memory src(p.src_md, p.eng, const_cast<uint8_t*>(x));
  dnnl::memory dst(p.dst_md, p.eng, y);
  p.prim.execute(p.strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, p.w_mem}, {DNNL_ARG_DST, dst}});
  p.strm.wait();
}

std::string OnednnConv::implementation() const { return impl_->pd.impl_info_str(); }

}  // namespace systole::roofline
