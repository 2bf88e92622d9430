// The backend registry: name -> factory (see backend.hpp).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <mutex>

#include "arch/error.hpp"
#include "driver/backend.hpp"

namespace systole::driver {

namespace {
struct Registry {
  std::mutex mu;
  std::map<std::string, BackendFactory> factories;
};
Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace

void register_backend(const std::string& name, BackendFactory factory) {
  if (name.empty()) throw Error("register_backend: empty backend name");
  if (!factory) throw Error(fmt::format("register_backend('{}'): empty factory", name));
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factories[name] = std::move(factory);
}

std::vector<std::string> backend_names() {
  register_builtin_backends();
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<std::string> names;
  for (const auto& [n, f] : r.factories) names.push_back(n);
  return names;
}

std::unique_ptr<Backend> make_backend(const std::string& name, const Config& cfg) {
  register_builtin_backends();
  BackendFactory factory;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.factories.find(name);
    if (it == r.factories.end()) {
      std::vector<std::string> names;
      for (const auto& [n, f] : r.factories) names.push_back(n);
      throw Error(fmt::format("unknown backend '{}' (available: {})", name,
                              names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
    }
    factory = it->second;
  }
  std::unique_ptr<Backend> b = factory(cfg);  // outside the lock: factories may be slow
  if (!b) throw Error(fmt::format("backend '{}' factory returned no backend", name));
  return b;
}

}  // namespace systole::driver
