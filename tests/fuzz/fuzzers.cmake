# The libFuzzer harnesses, fuzz_<name>.cpp each: tests/fuzz/CMakeLists.txt
# builds them, tests/CMakeLists.txt runs each as the ctest fuzz-<name>.
set(LEPTON_FUZZERS
  idx
  project
  npy
  image
  csv
  shapes
)
