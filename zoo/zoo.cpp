// The zoo's registry: names, one-line descriptions, shapes and builders.
#include "zoo/zoo.hpp"

#include <fmt/format.h>

#include <cctype>

#include "arch/error.hpp"
#include "zoo/builder.hpp"

namespace systole::zoo {
namespace {

struct Entry {
  ZooModel model;
  ir::Graph (*build)(uint64_t seed);
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> e = {
      {{"mlp", "MLP 256-512-256-10: three Gemm layers with Relu (1x256 -> 10 logits)", {1, 256}, {1, 10}}, build_mlp},
      {{"small_cnn",
        "small CIFAR-style CNN: Conv+BN+Relu, MaxPool, 1x1|3x3 Concat block, AveragePool, two Gemm (32x32 -> 10)",
        {1, 3, 32, 32},
        {1, 10}},
       build_small_cnn},
      {{"mobilenet_v2",
        "MobileNetV2 1.0 (torchvision): inverted residuals, depthwise 3x3, ReLU6 as Clip, 1000 classes",
        {1, 3, 224, 224},
        {1, 1000}},
       build_mobilenet_v2},
      {{"resnet18", "ResNet-18 (torchvision): BasicBlocks [2,2,2,2], 1000 classes", {1, 3, 224, 224}, {1, 1000}},
       build_resnet18},
      {{"resnet50", "ResNet-50 v1.5 (torchvision): Bottlenecks [3,4,6,3], 1000 classes", {1, 3, 224, 224}, {1, 1000}},
       build_resnet50},
  };
  return e;
}

std::string key(const std::string& s) {
  std::string k;
  for (char c : s)
    if (c != '-' && c != '_') k += char(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

const Entry* find_entry(const std::string& name) {
  for (const Entry& e : entries())
    if (key(e.model.name) == key(name)) return &e;
  return nullptr;
}

}  // namespace

const std::vector<ZooModel>& zoo_models() {
  static const std::vector<ZooModel> models = [] {
    std::vector<ZooModel> m;
    for (const Entry& e : entries()) m.push_back(e.model);
    return m;
  }();
  return models;
}

std::vector<std::string> zoo_names() {
  std::vector<std::string> n;
  for (const Entry& e : entries()) n.push_back(e.model.name);
  return n;
}

const ZooModel* find_zoo_model(const std::string& name) {
  const Entry* e = find_entry(name);
  if (!e) return nullptr;
  for (const ZooModel& m : zoo_models())
    if (m.name == e->model.name) return &m;
  return nullptr;
}

bool is_zoo_model(const std::string& name) { return find_entry(name) != nullptr; }

ir::Graph make_zoo_model(const std::string& name, uint64_t seed) {
  const Entry* e = find_entry(name);
  if (!e) throw Error(fmt::format("unknown zoo model '{}' (known: {})", name, fmt::join(zoo_names(), ", ")));
  return e->build(seed);
}

}  // namespace systole::zoo
