// Typed attribute getters with errors that name the attribute and the type found.
#include "compiler/ir/attributes.hpp"

#include <fmt/format.h>

#include "arch/error.hpp"

namespace systole::ir {

static const char* kind(const AttrValue& v) {
  static const char* names[] = {"int", "float", "string", "ints", "floats"};
  return names[v.index()];
}

const AttrValue& Attributes::get(const std::string& name) const {
  auto it = map_.find(name);
  if (it == map_.end()) throw Error(fmt::format("required attribute '{}' is missing", name));
  return it->second;
}

template <class T> static const T& as(const std::string& name, const AttrValue& v, const char* want) {
  if (auto p = std::get_if<T>(&v)) return *p;
  throw Error(fmt::format("attribute '{}' is {}, expected {}", name, kind(v), want));
}

int64_t Attributes::get_int(const std::string& name) const { return as<int64_t>(name, get(name), "int"); }
int64_t Attributes::get_int(const std::string& name, int64_t dflt) const { return has(name) ? get_int(name) : dflt; }

float Attributes::get_float(const std::string& name) const {
  const AttrValue& v = get(name);
  if (auto p = std::get_if<int64_t>(&v)) return float(*p);  // tolerate ints where floats are meant
  return as<float>(name, v, "float");
}
float Attributes::get_float(const std::string& name, float dflt) const { return has(name) ? get_float(name) : dflt; }

std::string Attributes::get_string(const std::string& name, const std::string& dflt) const {
  return has(name) ? as<std::string>(name, get(name), "string") : dflt;
}

std::vector<int64_t> Attributes::get_ints(const std::string& name) const {
  return as<std::vector<int64_t>>(name, get(name), "ints");
}
std::vector<int64_t> Attributes::get_ints(const std::string& name, const std::vector<int64_t>& dflt) const {
  return has(name) ? get_ints(name) : dflt;
}

std::vector<float> Attributes::get_floats(const std::string& name) const {
  return as<std::vector<float>>(name, get(name), "floats");
}

std::string attr_str(const AttrValue& v) {
  switch (v.index()) {
    case 0: return fmt::format("{}", std::get<int64_t>(v));
    case 1: return fmt::format("{}", std::get<float>(v));
    case 2: return fmt::format("\"{}\"", std::get<std::string>(v));
    case 3: return fmt::format("[{}]", fmt::join(std::get<std::vector<int64_t>>(v), ","));
    default: return fmt::format("[{}]", fmt::join(std::get<std::vector<float>>(v), ","));
  }
}

}  // namespace systole::ir
