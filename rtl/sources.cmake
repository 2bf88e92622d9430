# The RTL source list, shared by rtl/CMakeLists.txt (lint and synthesis targets) and
# tests/rtl/CMakeLists.txt (Verilated models). Order: package first, leaves before users.
set(SYSTOLE_RTL_DIR ${CMAKE_CURRENT_LIST_DIR})
# The ISA package is generated from arch/isa.toml and checked in (rtl/gen/), so that the RTL
# lints, synthesizes and Verilates without a build; tests/arch checks it is current.
set(SYSTOLE_RTL_PKG ${SYSTOLE_RTL_DIR}/gen/systole_isa_pkg.sv)
set(SYSTOLE_RTL_ARRAY_SOURCES
  ${SYSTOLE_RTL_DIR}/systole_delay.sv
  ${SYSTOLE_RTL_DIR}/systole_pe.sv
  ${SYSTOLE_RTL_DIR}/systole_array.sv)
# Everything systole_top needs (read by rtl/files.f too: keep the two lists in step).
file(STRINGS ${SYSTOLE_RTL_DIR}/files.f _systole_rtl_files REGEX "^[^#].*\\.sv$")
set(SYSTOLE_RTL_SOURCES ${SYSTOLE_RTL_PKG})
foreach(f ${_systole_rtl_files})
  list(APPEND SYSTOLE_RTL_SOURCES ${SYSTOLE_RTL_DIR}/${f})
endforeach()
