// Node attributes: a small name -> value map with typed getters. Getters throw a
// systole::Error naming the attribute; callers prefix the node (see Node::label()).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace systole::ir {

using AttrValue = std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>>;

class Attributes {
 public:
  bool has(const std::string& name) const { return map_.count(name) != 0; }
  void set(const std::string& name, AttrValue v) { map_[name] = std::move(v); }
  void erase(const std::string& name) { map_.erase(name); }
  const std::map<std::string, AttrValue>& all() const { return map_; }

  int64_t get_int(const std::string& name) const;
  int64_t get_int(const std::string& name, int64_t dflt) const;
  float get_float(const std::string& name) const;
  float get_float(const std::string& name, float dflt) const;
  std::string get_string(const std::string& name, const std::string& dflt) const;
  std::vector<int64_t> get_ints(const std::string& name) const;
  std::vector<int64_t> get_ints(const std::string& name, const std::vector<int64_t>& dflt) const;
  std::vector<float> get_floats(const std::string& name) const;

  bool operator==(const Attributes& o) const { return map_ == o.map_; }

 private:
  const AttrValue& get(const std::string& name) const;
  std::map<std::string, AttrValue> map_;
};

std::string attr_str(const AttrValue& v);  // for dumps and messages

}  // namespace systole::ir
