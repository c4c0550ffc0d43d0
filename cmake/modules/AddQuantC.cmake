#===- AddQuantC.cmake - thin wrappers over add_mlir_* ----------*- cmake -*-===#
#
# Every QuantC library goes through one of these so that it is exported in the
# QuantC CMake package (find_package(QuantC)) and installed.
#
#===------------------------------------------------------------------------===#

function(quantc_export_library name)
  set_property(GLOBAL APPEND PROPERTY QUANTC_EXPORTS ${name})
  install(TARGETS ${name} EXPORT QuantCTargets
          LIBRARY DESTINATION lib ARCHIVE DESTINATION lib)
endfunction()

# A library that uses MLIR.
#   add_quantc_library(name srcs...
#     [DEPENDS tablegen-targets...]
#     [LINK_LIBS our-libraries...]        # QuantC libraries
#     [MLIR_LIBS upstream-libraries...])  # MLIR libraries; collapse to libMLIR.so
function(add_quantc_library name)
  cmake_parse_arguments(ARG "" "" "MLIR_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
                   DISABLE_INSTALL EXCLUDE_FROM_LIBMLIR)
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  add_dependencies(quantc-headers ${name})
  quantc_export_library(${name})
endfunction()

# A plain C++ library with no MLIR dependency (numerics, runtimes).
function(add_quantc_plain_library name)
  add_library(${name} STATIC ${ARGN})
  llvm_update_compile_flags(${name})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  quantc_export_library(${name})
endfunction()
