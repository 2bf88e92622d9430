// conv_geometry() and conv_layout(): the single place that validates a convolution, picks
// its mapping details and decides buffer addresses and the fit of a tiling.
#include "compiler/conv_layout.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"
#include "compiler/gemm_layout.hpp"  // ceil_div, round_up

namespace systole::compiler {

namespace {
constexpr uint64_t kMaxDmaStride = (1u << isa::kLoadDramStrideBits) - 1;
constexpr uint64_t kMaxOuter = (1u << isa::kMatmulOuterBits) - 1;
constexpr uint64_t kMaxAStride = (1u << isa::kMatmulAStrideBits) - 1;
constexpr uint64_t kMax16 = 0xffff;
}  // namespace

uint32_t ConvGeometry::unit_groups(uint32_t u) const {
  return std::min(groups_per_unit, s.groups - u * groups_per_unit);
}

ConvGeometry conv_geometry(const Config& cfg, const ConvShape& in) {
  const std::string what = "conv " + in.to_string();
  auto fail = [&](const std::string& why) { throw Error(what + ": " + why); };
  if (!in.n || !in.h || !in.w || !in.c_in || !in.c_out || !in.kh || !in.kw) fail("a size is zero");
  if (!in.stride_h || !in.stride_w) fail("stride must be at least 1");
  if (!in.dil_h || !in.dil_w) fail("dilation must be at least 1");
  if (!in.groups || in.c_in % in.groups || in.c_out % in.groups)
    fail(fmt::format("groups = {} must divide c_in = {} and c_out = {}", in.groups, in.c_in, in.c_out));
  if (in.out_h() == 0 || in.out_w() == 0) fail("the padded input is smaller than the dilated kernel");
  if (uint64_t(in.in_c_offset) + in.c_in > in.in_channels_total())
    fail(fmt::format("input channels {}..{} exceed the input tensor's {} channels", in.in_c_offset,
                     in.in_c_offset + in.c_in - 1, in.in_channels_total()));
  if (uint64_t(in.out_c_offset) + in.c_out > in.out_channels_total())
    fail(fmt::format("output channels {}..{} exceed the output tensor's {} channels", in.out_c_offset,
                     in.out_c_offset + in.c_out - 1, in.out_channels_total()));
  if (uint64_t(in.n) * in.h * in.w * in.in_channels_total() > UINT32_MAX ||
      uint64_t(in.n) * in.out_h() * in.out_w() * in.out_channels_total() > UINT32_MAX)
    fail("a tensor exceeds 4 GiB");
  if (in.out_channels_total() > kMaxDmaStride)
    fail(fmt::format("{} output channels per pixel exceed the largest DMA row stride {}", in.out_channels_total(),
                     kMaxDmaStride));

  ConvGeometry g;
  g.s = in;
  // 1x1, stride 1, unpadded: consecutive output pixels read consecutive input pixels, in
  // every image, so the batch is one row of pixels and tiles may hold any pixel count.
  if (in.kh == 1 && in.kw == 1 && in.stride_h == 1 && in.stride_w == 1 && !in.pad_top && !in.pad_left &&
      !in.pad_bottom && !in.pad_right && uint64_t(in.n) * in.h * in.w <= UINT32_MAX) {
    g.s.w = in.n * in.h * in.w;
    g.s.n = g.s.h = 1;
    g.flattened = true;
  }
  const uint32_t dim = cfg.dim;
  g.oh = g.s.out_h();
  g.ow = g.s.out_w();
  g.ci_total = in.in_channels_total();
  g.co_total = in.out_channels_total();
  g.cig = in.c_in / in.groups;
  g.cog = in.c_out / in.groups;
  // Several small groups share one unit (block-diagonal weights); large groups are units.
  if (in.groups > 1 && std::max(g.cig, g.cog) <= dim)
    g.groups_per_unit = std::min(in.groups, dim / std::max(g.cig, g.cog));
  g.units = uint32_t(ceil_div(in.groups, g.groups_per_unit));
  g.cin_u = g.groups_per_unit * g.cig;
  g.cout_u = g.groups_per_unit * g.cog;
  g.blocks_u = uint32_t(ceil_div(g.cout_u, dim));
  g.kslices_u = uint32_t(ceil_div(g.cin_u, dim));
  // kw-packing: one row holds the bytes of taps kx .. kx+t-1 (t-1 pixel strides of
  // dil_w * ci_total bytes) plus c_in channels; it pays when at least two taps fit.
  if (in.groups == 1 && in.kw >= 2 && in.c_in <= dim) {
    const uint64_t t = 1 + (dim - in.c_in) / (uint64_t(in.dil_w) * g.ci_total);
    if (t >= 2 && ceil_div(in.kw, t) <= kMaxTapGroups) g.packable_taps = uint32_t(std::min<uint64_t>(t, in.kw));
  }
  return g;
}

uint32_t ConvLayout::tile_in_rows(uint32_t th) const {
  return ((th - 1) * g.s.stride_h + (g.s.kh - 1) * g.s.dil_h) / rs + 1;
}

uint32_t ConvLayout::tile_in_cols(uint32_t tw) const {
  return ((tw - 1) * g.s.stride_w + (g.s.kw - 1) * g.s.dil_w) / cs + 1;
}

uint32_t ConvLayout::unit_weight_rows() const {
  return packed ? g.s.kh * span_sum : taps * g.cin_u;
}

ConvLayout conv_layout(const Config& cfg, const ConvGeometry& g, const ConvTiling& t, bool explain) {
  ConvLayout L;
  L.g = g;
  const uint32_t dim = cfg.dim;
  const ConvShape& s = g.s;
  auto reject = [&](auto&& make_why) {
    if (explain) L.why = fmt::format("tiling {}: {}", t.to_string(), make_why());
    return L;
  };
  if (!t.toh || !t.tow || !t.tn || t.tn % dim || (!t.pack_kw && (!t.tk || t.tk % dim)))
    return reject([&] { return fmt::format("toh, tow >= 1, tn and tk positive multiples of DIM = {}", dim); });
  if (t.pack_kw && !g.packable_taps)
    return reject([&] { return std::string("pack_kw needs groups = 1, kw >= 2 and two taps x c_in within DIM"); });
  L.packed = t.pack_kw;
  L.toh = std::min(t.toh, g.oh);
  L.tow = std::min(t.tow, g.ow);
  L.tn = uint32_t(std::min<uint64_t>(t.tn, uint64_t(g.blocks_u) * dim));
  L.n_blocks = L.tn / dim;
  L.rs = s.kh == 1 ? s.stride_h : 1;
  L.cs = !L.packed && s.kw == 1 ? s.stride_w : 1;
  L.a_stride = L.packed ? 1 : s.stride_w / L.cs;
  if (L.packed) {
    const uint32_t G = uint32_t(ceil_div(s.kw, g.packable_taps));
    L.tap_groups = G;
    for (uint32_t j = 0, kx = 0; j < G; ++j) {  // balanced: the groups differ by at most one tap
      L.group_kx0[j] = kx;
      L.group_taps[j] = s.kw / G + (j < s.kw % G ? 1 : 0);
      L.group_span[j] = (L.group_taps[j] - 1) * s.dil_w * g.ci_total + s.c_in;
      L.span_sum += L.group_span[j];
      kx += L.group_taps[j];
    }
    L.tk = dim;
    L.k_blocks = 1;
    L.taps = s.kh * G;
  } else {
    L.tk = uint32_t(std::min<uint64_t>(t.tk, uint64_t(g.kslices_u) * dim));
    L.k_blocks = L.tk / dim;
    L.taps = s.kh * s.kw;
  }
  const uint64_t ih = L.tile_in_rows(L.toh), pitch = L.row_pitch(L.tow);
  const uint64_t a_rows = uint64_t(L.k_blocks) * ih * pitch;
  const uint64_t b_block = L.packed ? uint64_t(s.kh) * L.span_sum : uint64_t(L.taps) * std::min(L.tk, g.cin_u);
  const uint64_t b_rows = b_block * L.n_blocks;
  const uint64_t spad_used = 2 * (a_rows + b_rows);
  const uint64_t tile_rows = uint64_t(L.n_blocks) * L.toh * L.tow;
  const uint64_t tile_params = uint64_t(isa::kParamRows) * L.n_blocks;
  if (spad_used > cfg.spad_rows() || spad_used > kMax16 + 1)
    return reject([&] {
      return fmt::format("needs {} scratchpad rows (2 x ({} input tile + {} weights)), the scratchpad has {}", spad_used,
                         a_rows, b_rows, cfg.spad_rows());
    });
  if (2 * tile_rows + tile_params > cfg.acc_rows() || 2 * tile_rows + tile_params > kMax16 + 1)
    return reject([&] {
      return fmt::format("needs {} accumulator rows (2 x {} tile + {} parameter rows), the accumulator has {}",
                         2 * tile_rows + tile_params, tile_rows, tile_params, cfg.acc_rows());
    });
  // MATMUL walks the tile: outer = output rows (8 bits), rows = output columns (16 bits).
  if (L.toh > kMaxOuter || L.tow > kMax16 || uint64_t(s.stride_h / L.rs) * pitch > kMax16 || L.a_stride > kMaxAStride)
    return reject([&] {
      return fmt::format("a MATMUL field overflows (toh <= {}, tow < 65536, row pitch x stride < 65536, stride <= {})",
                         kMaxOuter, kMaxAStride);
    });
  const uint64_t in_stride = uint64_t(g.ci_total) * (L.packed ? s.stride_w : L.cs);
  if (in_stride > kMaxDmaStride)
    return reject([&] { return fmt::format("input DMA row stride {} exceeds {}", in_stride, kMaxDmaStride); });

  L.a_rows = uint32_t(a_rows);
  L.b_block_rows = uint32_t(b_block);
  L.b_rows = uint32_t(b_rows);
  L.spad_a[0] = 0;
  L.spad_a[1] = L.a_rows;
  L.spad_b[0] = 2 * L.a_rows;
  L.spad_b[1] = 2 * L.a_rows + L.b_rows;
  L.spad_rows_used = uint32_t(spad_used);
  L.acc_tile_rows = uint32_t(tile_rows);
  L.acc_tile[0] = 0;
  L.acc_tile[1] = L.acc_tile_rows;
  L.param_base = 2 * L.acc_tile_rows;
  // Parameters of every output block stay resident when they fit; otherwise the channel
  // tiles (unit-major) are split into chunks, each with its parameter block loaded once.
  L.n_tiles_u = uint32_t(ceil_div(g.blocks_u, L.n_blocks));
  const uint64_t all_tiles = uint64_t(g.units) * L.n_tiles_u;
  const uint64_t all_params = uint64_t(isa::kParamRows) * g.units * g.blocks_u;
  const uint64_t free_rows = cfg.acc_rows() - 2 * tile_rows;
  L.chunk_tiles = uint32_t(all_params <= free_rows ? all_tiles : std::min(all_tiles, free_rows / tile_params));
  L.acc_rows_used = L.param_base + uint32_t(std::min(all_params, uint64_t(L.chunk_tiles) * tile_params));
  L.fits = true;
  return L;
}

}  // namespace systole::compiler
