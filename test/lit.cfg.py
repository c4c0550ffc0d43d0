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
    ["quant-opt", "quant-import", "quant-run", "quant-compile",
     "quant-calibrate", "mlir-runner"], tool_dirs)

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
# LLVM's OpenMP runtime, for JIT runs of code built with threads
# (quant-x86-pipeline=threads=N).
config.substitutions.append(
    ("%openmp_runtime", os.path.join(config.llvm_lib_dir, "libomp.so")))
# Where it is, for -Wl,-rpath of objects linked against it.
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
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

# PyTorch (Debian's python3-torch) is the reference of the calibration
# observers (test/Integration/Torch); without it those tests are UNSUPPORTED.
# find_spec: importing torch would cost every lit run about a second.
import importlib.util
if importlib.util.find_spec("torch") is not None:
    config.available_features.add("torch")

# ONNX Runtime (npm onnxruntime-node, installed by scripts/install-deps.sh
# into .deps/) is the numerics reference of test/Integration/ORT; without
# node or the package those tests are UNSUPPORTED.
node = shutil.which("node")
onnxruntime_node = os.path.join(config.quantc_src_root, ".deps",
                                "node_modules", "onnxruntime-node")
if node and os.path.isfile(os.path.join(onnxruntime_node, "package.json")):
    config.available_features.add("onnxruntime")
    config.substitutions.append(("%node", node))
    config.substitutions.append(("%onnxruntime_node", onnxruntime_node))

# x86 int8 dot products without saturation (VNNI): ONNX Runtime's u8 x s8
# kernels for CPUs without it add pairs of products in saturating int16
# (vpmaddubsw), so their results are not the exact integer sums.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo
                      if line.startswith("flags")), [])
    if "avx512_vnni" in flags or "avx_vnni" in flags:
        config.available_features.add("x86-vnni")
    # quant-compile's default x86_64 target (x86-64-v4 + AVX-512 VNNI).
    if {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl",
            "avx512_vnni"} <= set(flags):
        config.available_features.add("x86-64-v4-vnni")
except OSError:
    pass

# AArch64 objects from quant-compile run under user-mode QEMU (Debian's
# qemu-user and g++-aarch64-linux-gnu, scripts/install-deps.sh).
aarch64_cxx = shutil.which("aarch64-linux-gnu-g++")
qemu_aarch64 = shutil.which("qemu-aarch64")
if aarch64_cxx and qemu_aarch64 and os.path.isdir("/usr/aarch64-linux-gnu"):
    config.available_features.add("qemu-aarch64")
    config.substitutions.append(("%aarch64_cxx", aarch64_cxx))
    config.substitutions.append(
        ("%qemu_aarch64", qemu_aarch64 + " -L /usr/aarch64-linux-gnu"))
# CUDA's PTX assembler (at /usr/local/cuda/bin on the build and CI machines)
# checks the PTX of quant-nvptx-pipeline (test/GPU); no GPU is needed.
cuda_root = os.environ.get("CUDA_HOME", "/usr/local/cuda")
ptxas = os.path.join(cuda_root, "bin", "ptxas")
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
# quant-cuda-launch is built where cuda.h is (lib/Runtime/CUDA).
if os.path.isfile(os.path.join(config.quantc_tools_dir, "quant-cuda-launch")):
    config.available_features.add("cuda-launcher")
    llvm_config.add_tool_substitutions(["quant-cuda-launch"],
                                       [config.quantc_tools_dir])
# CUDA's link stub of libcuda: every driver call fails, deterministically.
cuda_stub = os.path.join(cuda_root, "lib64", "stubs", "libcuda.so")
if os.path.isfile(cuda_stub):
    config.available_features.add("cuda-stub")
    config.substitutions.append(("%cuda_stub", cuda_stub))
