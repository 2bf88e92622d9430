# systole_test(NAME SOURCES... LIBS ...): one GoogleTest binary, registered with CTest.
include(GoogleTest)
function(systole_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT "SYSTOLE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
