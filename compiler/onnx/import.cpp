// The importer: values for initializers, graph inputs and node outputs; nodes with converted
// attributes; then legacy normalization, uint8 mapping, topological sort and verification.
#include "compiler/onnx/import.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "arch/error.hpp"
#include "compiler/ir/ops.hpp"
#include "compiler/ir/verify.hpp"
#include "compiler/onnx/import_detail.hpp"
#include "compiler/onnx/tensor_proto.hpp"

namespace systole::onnx_io {
namespace {

using ir::DType;
using ir::kNoValue;
using ir::ValueId;

std::string node_label(const ::onnx::NodeProto& n, const std::string& name) {
  return fmt::format("node '{}' ({})", name, n.op_type());
}

// An int8 view of an ONNX tensor: uint8 data shifted by -128 (the IR has no uint8).
ir::Tensor to_ir(const ir::Tensor& t) { return t.dtype == DType::u8 ? uint8_to_int8(t) : t; }

ir::AttrValue convert_attr(const ::onnx::AttributeProto& a) {
  using AP = ::onnx::AttributeProto;
  AP::AttributeType type = a.type();
  if (type == AP::UNDEFINED) {  // very old models omit the type: infer it from the field set
    type = a.has_f() ? AP::FLOAT : a.has_i() ? AP::INT : a.has_s() ? AP::STRING : a.ints_size() ? AP::INTS
           : a.floats_size() ? AP::FLOATS : a.has_t() ? AP::TENSOR : AP::UNDEFINED;
  }
  switch (type) {
    case AP::FLOAT: return a.f();
    case AP::INT: return int64_t(a.i());
    case AP::STRING: return a.s();
    case AP::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case AP::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    default:
      throw Error(fmt::format("attribute '{}' has type {}, which is not supported", a.name(),
                              AP::AttributeType_IsValid(type) ? AP::AttributeType_Name(type) : "unknown"));
  }
}

// The value of a Constant node (attribute value, value_float(s), value_int(s)).
ir::Tensor constant_value(const ::onnx::NodeProto& n) {
  if (n.attribute_size() != 1) throw Error("Constant needs exactly one value attribute");
  const ::onnx::AttributeProto& a = n.attribute(0);
  if (a.name() == "value") return tensor_from_proto(a.t());
  if (a.name() == "value_float") return ir::Tensor::scalar(a.f());
  if (a.name() == "value_int") return ir::Tensor::scalar<int64_t>(a.i());
  if (a.name() == "value_floats") return ir::Tensor::from<float>({a.floats_size()}, {a.floats().begin(), a.floats().end()});
  if (a.name() == "value_ints") return ir::Tensor::from<int64_t>({a.ints_size()}, {a.ints().begin(), a.ints().end()});
  throw Error(fmt::format("Constant attribute '{}' is not supported", a.name()));
}

class Importer {
 public:
  Importer(const ::onnx::ModelProto& m, const ImportOptions& opt) : m_(m), opt_(opt) {}

  ir::Graph run() {
    if (!m_.has_graph()) throw Error("model has no graph");
    const ::onnx::GraphProto& gp = m_.graph();
    opset_ = read_opset();
    g_.name = gp.name().empty() ? "model" : gp.name();
    if (gp.sparse_initializer_size()) throw Error("sparse initializers are not supported");
    for (const auto& t : gp.initializer()) {
      if (t.name().empty()) throw Error("an initializer has no name");
      ir::Tensor data = tensor_from_proto(t);
      const bool u8 = data.dtype == DType::u8;
      const ValueId v = g_.add_constant(t.name(), to_ir(data));
      if (u8) declared_u8_.insert(v);
    }
    for (const auto& vi : gp.input()) {
      if (g_.find(vi.name()) != kNoValue) continue;  // IR version < 4: initializers listed as inputs
      g_.inputs.push_back(declare(vi, "graph input"));
    }
    for (const auto& vi : gp.value_info()) types_[vi.name()] = &vi;
    create_node_outputs(gp);
    for (int i = 0; i < gp.node_size(); ++i) add_node(gp.node(i), i);
    for (const auto& vi : gp.output()) {
      const ValueId v = g_.find(vi.name());
      if (v == kNoValue) throw Error(fmt::format("graph output '{}' is not produced by any node, initializer or input", vi.name()));
      if (vi.type().has_tensor_type() && vi.type().tensor_type().elem_type() == ::onnx::TensorProto::UINT8)
        declared_u8_.insert(v);
      g_.outputs.push_back(v);
    }
    drop_unused_extra_outputs();
    g_.sort_topologically();
    detail::map_uint8(g_, declared_u8_);
    g_.prune();
    ir::verify(g_);
    return std::move(g_);
  }

 private:
  int64_t read_opset() {
    int64_t v = -1;
    for (const auto& o : m_.opset_import())
      if (o.domain().empty() || o.domain() == "ai.onnx") v = o.version();
    if (v < 0) throw Error("model has no opset_import for the default ONNX domain");
    if (v > kMaxOpset) throw Error(fmt::format("model uses opset {}, newer than the supported {}", v, kMaxOpset));
    return v;
  }

  // A runtime graph input with its declared type and shape (symbolic dims bound).
  ValueId declare(const ::onnx::ValueInfoProto& vi, const char* what) {
    if (vi.name().empty()) throw Error(fmt::format("a {} has no name", what));
    const std::string label = fmt::format("{} '{}'", what, vi.name());
    if (!vi.type().has_tensor_type()) throw Error(label + " is not a tensor");
    const auto& tt = vi.type().tensor_type();
    ir::Value v;
    v.name = vi.name();
    const DType t = dtype_from_onnx(tt.elem_type(), label);
    v.dtype = t == DType::u8 ? DType::i8 : t;
    if (tt.has_shape()) {
      for (const auto& d : tt.shape().dim()) {
        if (d.has_dim_value() && d.dim_value() < 0) throw Error(fmt::format("{} has a negative dimension", label));
        v.shape.push_back(d.has_dim_value() ? d.dim_value() : opt_.symbolic_dim);
      }
      v.shape_known = true;
    }
    const ValueId id = g_.add_value(std::move(v));
    if (t == DType::u8) declared_u8_.insert(id);
    return id;
  }

  std::string node_name(const ::onnx::NodeProto& n, int index) const {
    return n.name().empty() ? fmt::format("{}_{}", n.op_type(), index) : n.name();
  }

  // Outputs first, so nodes listed out of topological order still resolve their inputs.
  void create_node_outputs(const ::onnx::GraphProto& gp) {
    for (int i = 0; i < gp.node_size(); ++i) {
      const auto& n = gp.node(i);
      const std::string label = node_label(n, node_name(n, i));
      try {
        if (n.op_type() == "Constant" && (n.domain().empty() || n.domain() == "ai.onnx")) {
          if (n.output_size() != 1) throw Error("Constant needs one output");
          ir::Tensor t = constant_value(n);
          const bool u8 = t.dtype == DType::u8;
          const ValueId v = g_.add_constant(n.output(0), to_ir(t));
          if (u8) declared_u8_.insert(v);
          continue;
        }
        for (const std::string& o : n.output()) {
          if (o.empty()) continue;
          if (g_.find(o) != kNoValue) throw Error(fmt::format("output '{}' is already defined elsewhere", o));
          ir::Value v;
          v.name = o;
          const ValueId id = g_.add_value(std::move(v));
          auto it = types_.find(o);
          if (it != types_.end() && it->second->type().tensor_type().elem_type() == ::onnx::TensorProto::UINT8)
            declared_u8_.insert(id);
        }
      } catch (const Error& e) {
        throw Error(fmt::format("{}: {}", label, e.what()));
      }
    }
  }

  void add_node(const ::onnx::NodeProto& np, int index) {
    if (np.op_type() == "Constant" && (np.domain().empty() || np.domain() == "ai.onnx")) return;
    ir::Node n;
    n.name = node_name(np, index);
    n.op = np.op_type();
    try {
      if (!np.domain().empty() && np.domain() != "ai.onnx")
        throw Error(fmt::format("operator domain '{}' is not supported (only the default ONNX domain)", np.domain()));
      if (n.op == "Dropout") n.op = "Identity";  // inference: identity; its mask output must be unused
      const ir::OpSchema* s = ir::find_schema(n.op);
      if (!s) throw Error("op type is not supported by the systole front end");
      for (const auto& a : np.attribute()) {
        if (a.name().empty()) throw Error("an attribute has no name");
        if (np.op_type() == "Dropout") continue;  // ratio, seed, is_test: irrelevant at inference
        n.attrs.set(a.name(), convert_attr(a));
      }
      for (const std::string& in : np.input()) {
        if (in.empty()) {
          n.inputs.push_back(kNoValue);
          continue;
        }
        const ValueId v = g_.find(in);
        if (v == kNoValue) throw Error(fmt::format("input '{}' is not produced by any node, initializer or graph input", in));
        n.inputs.push_back(v);
      }
      if (np.op_type() == "Dropout" && n.inputs.size() > 1) n.inputs.resize(1);  // opset 12 ratio/training_mode
      for (const std::string& o : np.output()) n.outputs.push_back(o.empty() ? kNoValue : g_.at(o));
      while (!n.inputs.empty() && n.inputs.back() == kNoValue) n.inputs.pop_back();
      detail::normalize_legacy(g_, n, opset_);
      for (const auto& [k, v] : n.attrs.all()) {
        (void)v;
        if (std::find(s->attrs.begin(), s->attrs.end(), k) == s->attrs.end())
          throw Error(fmt::format("attribute '{}' is not supported", k));
      }
      if (int(n.inputs.size()) < s->min_inputs || (s->max_inputs >= 0 && int(n.inputs.size()) > s->max_inputs))
        throw Error(fmt::format("has {} inputs, expected {} to {}", n.inputs.size(), s->min_inputs, s->max_inputs));
      for (int i = 0; i < s->min_inputs; ++i)
        if (n.inputs[size_t(i)] == kNoValue) throw Error(fmt::format("required input {} is empty", i));
      if (n.outputs.empty() || n.outputs[0] == kNoValue) throw Error("has no output");
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", node_label(np, n.name), e.what()));
    }
    g_.add_node(std::move(n));
  }

  // Optional outputs the IR does not compute (BatchNormalization running stats, MaxPool
  // Indices, Dropout mask) are fine as long as nothing reads them.
  void drop_unused_extra_outputs() {
    std::vector<bool> used(g_.values.size(), false);
    for (const ir::Node& n : g_.nodes)
      for (ValueId v : n.inputs)
        if (v != kNoValue) used[size_t(v)] = true;
    for (ValueId v : g_.outputs) used[size_t(v)] = true;
    for (ir::Node& n : g_.nodes) {
      const ir::OpSchema* s = ir::find_schema(n.op);
      for (size_t k = size_t(s->max_outputs); k < n.outputs.size(); ++k)
        if (n.outputs[k] != kNoValue && used[size_t(n.outputs[k])])
          throw Error(fmt::format("{}: output {} ('{}') is not supported (inference outputs only)", n.label(), k,
                                  g_.value(n.outputs[k]).name));
      if (n.outputs.size() > size_t(s->max_outputs)) n.outputs.resize(size_t(s->max_outputs));
    }
  }

  const ::onnx::ModelProto& m_;
  ImportOptions opt_;
  int64_t opset_ = 0;
  ir::Graph g_;
  std::set<ValueId> declared_u8_;
  std::unordered_map<std::string, const ::onnx::ValueInfoProto*> types_;
};

}  // namespace

ir::Graph import_model(const ::onnx::ModelProto& m, const ImportOptions& opt) { return Importer(m, opt).run(); }

ir::Graph import_model_bytes(const std::string& bytes, const ImportOptions& opt) {
  ::onnx::ModelProto m;
  if (!m.ParseFromString(bytes)) throw Error("not a valid ONNX model: the protobuf data is truncated or corrupt");
  return import_model(m, opt);
}

ir::Graph import_model_file(const std::string& path, const ImportOptions& opt) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open model file '{}'", path));
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    return import_model_bytes(ss.str(), opt);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace systole::onnx_io
