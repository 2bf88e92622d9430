# Thin wrapper over CMake. `make demo` and `make test` do all the set-up on Debian 12.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup configure build demo test bench fuzz-rtl clean regen

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

# Long differential campaign: N random programs on hls and the Verilated RTL, compared byte for byte.
N ?= 1000
fuzz-rtl: build
	$(BUILD)/tests/diff/rtl_fuzz $(N)

regen: build
	cmake --build $(BUILD) --target regen

clean:
	rm -rf $(BUILD)
