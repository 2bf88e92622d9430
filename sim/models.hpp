// The Verilated models built into this binary (one per design point in SYSTOLE_SIM_PRESETS, plus
// large with SYSTOLE_SIM_LARGE, plus FST-tracing twins with SYSTOLE_TRACE) and the choice of the
// one matching a Config: DIM, scratchpad and accumulator rows and banks, bus bytes
// (= [dram] bytes_per_cycle) and queue depth must all agree.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "sim/core.hpp"

namespace systole::sim {

using CoreFactory = std::unique_ptr<Core> (*)(const ModelParams&);

struct ModelEntry {
  ModelParams params;
  CoreFactory make;
};

const std::vector<ModelEntry>& built_models();
// Whether a model's parameters are the Config's hardware parameters.
bool matches(const ModelParams& p, const Config& cfg);
// The model for cfg (the tracing twin when trace is set). Throws systole::Error naming the
// parameters and the CMake option that builds such a model when there is none.
const ModelEntry& find_model(const Config& cfg, bool trace);

}  // namespace systole::sim
