// The built-in model zoo: float networks defined in code with seeded weights, so `systole run
// resnet50` needs no download. Each model is an ir::Graph in the form the ONNX importer
// produces (opset-14 ops, constants as initializers, declared input shape, node output shapes
// left to ir::infer_shapes), so it takes the same path as an imported .onnx file. See
// docs/zoo.md for the topologies, parameter and MAC counts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::zoo {

struct ZooModel {
  std::string name;         // "resnet50"
  std::string description;  // one line
  ir::Shape input;          // NCHW float32 (or [N, features] for the MLP)
  ir::Shape output;         // logits
};

// All models, in a fixed order (smallest first).
const std::vector<ZooModel>& zoo_models();
std::vector<std::string> zoo_names();

// Lookup ignores case, '-' and '_' ("ResNet-50", "mobilenetv2"); nullptr when unknown.
const ZooModel* find_zoo_model(const std::string& name);
bool is_zoo_model(const std::string& name);

// Builds model `name` with weights drawn from `seed` (same name and seed, identical graph).
// Throws systole::Error listing the known names when `name` is not one of them.
ir::Graph make_zoo_model(const std::string& name, uint64_t seed = 0);

}  // namespace systole::zoo
