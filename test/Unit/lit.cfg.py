# -*- Python -*-
# Runs the gtest unit tests (unittests/) as lit tests, as MLIR's test/Unit.

import os

import lit.formats

config.name = "QuantC-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.quantc_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
