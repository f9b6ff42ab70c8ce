import os
import sys

# the build tree's package and library unless the caller points elsewhere
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "src", "python"))
os.environ.setdefault("DMCHECK_LIB", os.path.join(ROOT, "build", "lib", "libdmcverify.so"))
# the build tree's dmcheck program (the make that runs the tests names its build directory)
CLI = os.path.join(ROOT, os.environ.get("DMCHECK_MAKE_B", "build"), "bin", "dmcheck")
