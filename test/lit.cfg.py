# -*- Python -*-
# lit configuration of the QuantC regression and integration tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QuantC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "Inputs", "Unit",
                   "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Tools: ours first, then LLVM's (FileCheck, not, split-file, mlir-runner).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.quantc_tools_dir, append_path=True)
tool_dirs = [config.quantc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["quant-opt", "quant-import", "quant-run", "mlir-runner"], tool_dirs)

# The numpy references run on Debian's python3 (python3-numpy), which is the
# interpreter lit itself runs on.
python = shutil.which("python3", path="/usr/bin") or config.python_executable
config.substitutions.append(("%python", python))
config.substitutions.append(("%quantc_src", config.quantc_src_root))
config.substitutions.append(("%quantc_obj", config.quantc_obj_root))

# mlir-runner's support libraries (printMemrefF32 and friends).
runner_libs = ",".join(
    os.path.join(config.llvm_lib_dir, name)
    for name in ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"])
config.substitutions.append(("%mlir_runner_libs", runner_libs))
config.substitutions.append(("%cmake_generator", config.cmake_generator))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%mlir_dir", config.mlir_dir))

try:
    import numpy  # noqa: F401
    config.available_features.add("numpy")
    import onnx  # noqa: F401
    config.available_features.add("onnx")
except ImportError:
    pass
