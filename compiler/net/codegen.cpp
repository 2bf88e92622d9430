// Placement + memory plan + per-op programs (see codegen.hpp).
#include "compiler/net/codegen.hpp"

#include <fmt/format.h>

#include <chrono>

#include "arch/error.hpp"
#include "compiler/program_builder.hpp"

namespace systole::net {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

CompiledNet compile_network(quant::QGraph g, const Config& cfg, const CompileOptions& opt) {
  CompiledNet net;
  net.cfg = cfg;
  auto t0 = std::chrono::steady_clock::now();
  net.placement = place(g, cfg, opt.place);
  net.memory = plan_memory(g, net.placement);
  net.place_seconds = since(t0);
  t0 = std::chrono::steady_clock::now();
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const quant::QOp& op = g.ops[k];
    Step st;
    st.op = k;
    st.where = net.placement[k].where;
    if (op.kind == quant::QOpKind::Conv) {
      st.layer = op.conv;
      const Slot& ys = net.memory.slots[size_t(op.output)];
      if (ys.c_total != op.conv.c_out) {
        st.layer.out_c_offset = ys.c_offset;
        st.layer.out_c_total = ys.c_total;
      }
    }
    if (st.where == Where::Accel) {
      try {
        const quant::QTensor& x = g.tensors[size_t(op.inputs[0])];
        const Slot& ys = net.memory.slots[size_t(op.output)];
        const compiler::ConvShape& s = st.layer;
        compiler::ProgramBuilder b(cfg);
        b.add_tensor("x", driver::TensorKind::Input, "int8", {x.n, x.h, x.w, x.c}, uint32_t(x.numel()));
        const uint64_t ybytes = uint64_t(s.n) * s.out_h() * s.out_w() * ys.c_total;
        b.add_tensor("y", driver::TensorKind::Output, "int8", {s.n, s.out_h(), s.out_w(), ys.c_total}, uint32_t(ybytes));
        compiler::lower_conv(b, st.layer, "x", "y", "", net.placement[k].tiling);
        st.program = b.finish();
        net.instructions += st.program.insns.size();
        for (const driver::TensorDesc& t : st.program.tensors)
          if (t.kind == driver::TensorKind::Constant) net.constant_bytes += t.size;
      } catch (const Error& e) {
        throw Error(fmt::format("op '{}' ({}): code generation failed: {}", op.name, op.src_op, e.what()));
      }
    }
    net.steps.push_back(std::move(st));
  }
  net.codegen_seconds = since(t0);
  net.graph = std::move(g);
  return net;
}

}  // namespace systole::net
