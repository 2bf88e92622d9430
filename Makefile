# Thin wrapper over CMake. `make demo` and `make test` do all the set-up on Debian 12.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup configure build demo test bench fuzz-rtl clean regen test-asan test-asan-ci fuzz fuzz-build fuzz-ci

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: setup $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/systole gemm --m 256 --n 256 --k 256 --backend rtl
	$(BUILD)/systole run resnet18 --backend rtl

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	bash scripts/bench.sh $(BUILD)

# Long differential campaign (docs/hardening.md): N random programs on hls and the Verilated
# RTL, compared byte for byte, then N random GEMM/conv layers compiled and run on the hls and
# rtl backends through the driver, compared with each other and the CPU reference.
# FUZZ_RTL_FLAGS=--default runs the 16x16 design point instead of the tiny one.
N ?= 1000
SEED ?= 1
FUZZ_RTL_FLAGS ?=
fuzz-rtl: build
	$(BUILD)/tests/diff/rtl_fuzz $(N) $(SEED) $(FUZZ_RTL_FLAGS)
	$(BUILD)/tests/diff/layer_fuzz $(N) $(SEED) $(FUZZ_RTL_FLAGS)

# Sanitizers (docs/hardening.md): the whole code base with AddressSanitizer + UBSan (clang),
# any report fails the test. test-asan runs every test; test-asan-ci the subset CI runs (no
# Verilated models: they dominate the build time under ASan).
ASAN_BUILD ?= build-asan
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_CI_LABELS ?= ^(arch|kernels|hls|driver|compiler|frontend|zoo|fuzz_regress)$$
ASAN_CI_TARGETS ?= arch_test kernels_reference_test kernels_reference_conv_test hls_test driver_test driver_hls_test \
  driver_malicious_test compiler_program_builder_test compiler_cost_model_test compiler_gemm_e2e_test \
  compiler_conv_cost_model_test compiler_conv_e2e_test frontend_ir_test frontend_passes_test frontend_onnx_test \
  frontend_node_test zoo_test fuzz_regress_test

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
	  -DSYSTOLE_SANITIZE=ON $(CMAKE_FLAGS)

test-asan: setup $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && $(SAN_ENV) ctest --output-on-failure -j $(JOBS)

test-asan-ci: setup $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(ASAN_CI_TARGETS)
	cd $(ASAN_BUILD) && $(SAN_ENV) ctest --output-on-failure -j $(JOBS) -L '$(ASAN_CI_LABELS)'

# libFuzzer targets (fuzz/, clang): make fuzz TARGET=onnx|config|program|asm|all SECONDS=60.
# Crashes land in build-fuzz/artifacts/<target>/; fuzz-ci runs each target for 20 s.
FUZZ_BUILD ?= build-fuzz
TARGET ?= all
SECONDS ?= 60
$(FUZZ_BUILD)/CMakeCache.txt:
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
	  -DSYSTOLE_FUZZ=ON $(CMAKE_FLAGS)

fuzz-build: setup $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all

fuzz: fuzz-build
	bash fuzz/run.sh $(FUZZ_BUILD) $(TARGET) $(SECONDS)

fuzz-ci: fuzz-build
	bash fuzz/run.sh $(FUZZ_BUILD) all 20

regen: build
	cmake --build $(BUILD) --target regen

clean:
	rm -rf $(BUILD)
