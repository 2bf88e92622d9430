# Sanitizer and fuzzing builds (docs/hardening.md). Both are separate build directories:
#   SYSTOLE_SANITIZE=ON  AddressSanitizer + UndefinedBehaviorSanitizer on every C++ target
#                        (`make test-asan`, build dir build-asan); any report aborts the test.
#   SYSTOLE_FUZZ=ON      the libFuzzer targets of fuzz/ (clang only; `make fuzz`, build dir
#                        build-fuzz); everything is built with ASan + UBSan and libFuzzer's
#                        coverage instrumentation.
option(SYSTOLE_SANITIZE "Build everything with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(SYSTOLE_FUZZ "Build the libFuzzer targets of fuzz/ (needs clang)" OFF)

set(SYSTOLE_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)

if(SYSTOLE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SYSTOLE_FUZZ=ON needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "-DCMAKE_C_COMPILER=clang")
  endif()
  # Libraries get coverage instrumentation only; the fuzz executables link libFuzzer's main.
  add_compile_options(${SYSTOLE_SANITIZER_FLAGS} -fsanitize=fuzzer-no-link -g)
  add_link_options(-fsanitize=address,undefined)
elseif(SYSTOLE_SANITIZE)
  add_compile_options(${SYSTOLE_SANITIZER_FLAGS} -g)
  add_link_options(-fsanitize=address,undefined)
endif()
