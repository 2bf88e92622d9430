// The checked-in generated views (docs/isa_table.md, rtl/gen/systole_isa_pkg.sv) are the
// generator's current output (`make regen` refreshes them).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(Generated, DocsTableIsCurrent) {
  const std::string fresh = slurp(std::string(SYSTOLE_GEN_DIR) + "/docs/isa_table.md");
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(slurp(std::string(SYSTOLE_SOURCE_DIR) + "/docs/isa_table.md"), fresh)
      << "docs/isa_table.md is stale: run `make regen`";
}

TEST(Generated, SvPackageIsCurrent) {
  const std::string fresh = slurp(std::string(SYSTOLE_GEN_DIR) + "/rtl/systole_isa_pkg.sv");
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(slurp(std::string(SYSTOLE_SOURCE_DIR) + "/rtl/gen/systole_isa_pkg.sv"), fresh)
      << "rtl/gen/systole_isa_pkg.sv is stale: run `make regen`";
}

TEST(Generated, FilesSayTheyAreGenerated) {
  for (const char* f : {"/arch/isa_gen.hpp", "/rtl/systole_isa_pkg.sv", "/arch/presets_gen.hpp"})
    EXPECT_NE(slurp(std::string(SYSTOLE_GEN_DIR) + f).find("GENERATED FILE"), std::string::npos) << f;
}
