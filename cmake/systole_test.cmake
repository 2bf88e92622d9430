# systole_test(NAME SOURCES... LIBS ...): one GoogleTest binary, registered with CTest.
# Each test is labelled with its folder under tests/ (arch, driver, ...), so a subset runs with
# `ctest -L` (the sanitizer CI subset does: docs/hardening.md).
# Tests see SYSTOLE_SOURCE_DIR and SYSTOLE_GEN_DIR as string macros (repo and generated files).
include(GoogleTest)
function(systole_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE SYSTOLE_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SYSTOLE_GEN_DIR="${SYSTOLE_GEN_DIR}")
  file(RELATIVE_PATH label ${PROJECT_SOURCE_DIR}/tests ${CMAKE_CURRENT_SOURCE_DIR})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${label})
endfunction()
