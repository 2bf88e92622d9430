// The exporter. Values keep their names; expansion nodes and their bound constants get fresh
// names derived from the fused node's.
#include "compiler/onnx/export.hpp"

#include <fmt/format.h>

#include <fstream>
#include <unordered_set>

#include "arch/error.hpp"
#include "compiler/ir/ops.hpp"
#include "compiler/onnx/tensor_proto.hpp"

namespace systole::onnx_io {
namespace {

void set_type(::onnx::ValueInfoProto* vi, const ir::Value& v) {
  vi->set_name(v.name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx_dtype(v.dtype));
  if (v.shape_known) {
    auto* s = tt->mutable_shape();
    for (int64_t d : v.shape) s->add_dim()->set_dim_value(d);
  }
}

void set_attr(::onnx::NodeProto* n, const std::string& name, const ir::AttrValue& v) {
  using AP = ::onnx::AttributeProto;
  AP* a = n->add_attribute();
  a->set_name(name);
  switch (v.index()) {
    case 0: a->set_type(AP::INT); a->set_i(std::get<int64_t>(v)); break;
    case 1: a->set_type(AP::FLOAT); a->set_f(std::get<float>(v)); break;
    case 2: a->set_type(AP::STRING); a->set_s(std::get<std::string>(v)); break;
    case 3:
      a->set_type(AP::INTS);
      for (int64_t x : std::get<std::vector<int64_t>>(v)) a->add_ints(x);
      break;
    default:
      a->set_type(AP::FLOATS);
      for (float x : std::get<std::vector<float>>(v)) a->add_floats(x);
  }
}

class Exporter {
 public:
  explicit Exporter(const ir::Graph& g) : g_(g) {
    for (const ir::Value& v : g.values) names_.insert(v.name);
  }

  ::onnx::ModelProto run() {
    ::onnx::ModelProto m;
    m.set_ir_version(7);
    m.set_producer_name("systole");
    auto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(kExportOpset);
    gp_ = m.mutable_graph();
    gp_->set_name(g_.name);
    for (const ir::Value& v : g_.values)
      if (v.is_const()) *gp_->add_initializer() = tensor_to_proto(*v.data, v.name);
    for (ir::ValueId v : g_.inputs) set_type(gp_->add_input(), g_.value(v));
    for (ir::ValueId v : g_.outputs) set_type(gp_->add_output(), g_.value(v));
    for (const ir::Node& n : g_.nodes) node(n);
    return m;
  }

 private:
  std::string fresh(const std::string& base) {
    std::string n = base;
    for (int i = 1; names_.count(n); ++i) n = fmt::format("{}_{}", base, i);
    names_.insert(n);
    return n;
  }

  void node(const ir::Node& n) {
    const ir::OpSchema* s = ir::find_schema(n.op);
    if (!s) throw Error(fmt::format("{}: cannot export an unsupported op", n.label()));
    const bool clip = n.attrs.has("clip_min") || n.attrs.has("clip_max");
    auto* p = gp_->add_node();
    p->set_name(n.name);
    p->set_op_type(n.op);
    for (ir::ValueId v : n.inputs) p->add_input(v == ir::kNoValue ? "" : g_.value(v).name);
    for (const auto& [k, v] : n.attrs.all())
      if (std::find(s->internal.begin(), s->internal.end(), k) == s->internal.end()) set_attr(p, k, v);
    const std::string out = g_.value(n.outputs.at(0)).name;
    if (!clip) {
      for (ir::ValueId v : n.outputs) p->add_output(g_.value(v).name);
      return;
    }
    // Fused activation: the node writes a fresh value, a Relu/Clip writes the original name.
    const std::string pre = fresh(out + "_preact");
    p->add_output(pre);
    auto* act = gp_->add_node();
    act->set_name(fresh(n.name + "_act"));
    act->add_input(pre);
    act->add_output(out);
    const bool relu = n.attrs.has("clip_min") && !n.attrs.has("clip_max") && n.attrs.get_float("clip_min") == 0.f;
    act->set_op_type(relu ? "Relu" : "Clip");
    if (relu) return;
    for (const char* bound : {"clip_min", "clip_max"}) {
      if (!n.attrs.has(bound)) {
        act->add_input("");
        continue;
      }
      const std::string name = fresh(n.name + "_" + bound);
      *gp_->add_initializer() = tensor_to_proto(ir::Tensor::scalar(n.attrs.get_float(bound)), name);
      act->add_input(name);
    }
  }

  const ir::Graph& g_;
  ::onnx::GraphProto* gp_ = nullptr;
  std::unordered_set<std::string> names_;
};

}  // namespace

::onnx::ModelProto export_model(const ir::Graph& g) { return Exporter(g).run(); }

std::string export_model_bytes(const ir::Graph& g) {
  std::string s;
  if (!export_model(g).SerializeToString(&s)) throw Error("cannot serialize the ONNX model");
  return s;
}

void export_model_file(const ir::Graph& g, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot write '{}'", path));
  f << export_model_bytes(g);
  if (!f) throw Error(fmt::format("cannot write '{}'", path));
}

}  // namespace systole::onnx_io
