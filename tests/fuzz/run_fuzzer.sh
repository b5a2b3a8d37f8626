#!/usr/bin/env bash
# Builds the libFuzzer harnesses or fuzzes one of them for a while; the
# ctests fuzz-build and fuzz-<name> call it, and so can people:
#   run_fuzzer.sh BUILD_DIR                   configure and build every harness
#   run_fuzzer.sh BUILD_DIR NAME [SECONDS]    fuzz fuzz_NAME (default 20 s)
# New inputs collect in BUILD_DIR/corpus/NAME, crashes in BUILD_DIR/findings.
# Exits 77 (ctest: skipped) when clang++-14 or its libFuzzer runtime is missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${1:?usage: run_fuzzer.sh BUILD_DIR [NAME [SECONDS]]}"
NAME="${2:-}"
DURATION="${3:-20}"
CXX=clang++-14

require_toolchain() {
  if ! command -v "$CXX" >/dev/null; then
    echo "skipped: $CXX is not installed (Debian: clang-14 libclang-rt-14-dev)"
    exit 77
  fi
  local probe linked=yes
  probe="$(mktemp -d)"
  echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' >"$probe/probe.cpp"
  "$CXX" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>/dev/null || linked=no
  rm -rf "$probe"
  if [ "$linked" = no ]; then
    echo "skipped: $CXX cannot link libFuzzer (Debian: libclang-rt-14-dev)"
    exit 77
  fi
}

if [ -z "$NAME" ]; then
  require_toolchain
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S "$HERE" -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" "${launcher[@]}"
  cmake --build "$BUILD_DIR"
  exit
fi

harness="$BUILD_DIR/fuzz_$NAME"
if [ ! -x "$harness" ]; then
  require_toolchain
  echo "error: $harness is not built: run $0 $BUILD_DIR" >&2
  exit 1
fi
# The first corpus folder takes new inputs: the committed seeds stay as they are.
mkdir -p "$BUILD_DIR/corpus/$NAME" "$BUILD_DIR/findings"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
# A time-bounded smoke run, not a timing assertion: it fails only on a finding.
# libFuzzer's own exit code for a finding is 77, which ctest would call skipped.
exec "$harness" -max_total_time="$DURATION" -rss_limit_mb=2048 -timeout=5 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$BUILD_DIR/findings/$NAME-" -print_final_stats=1 \
  "$BUILD_DIR/corpus/$NAME" "$HERE/corpus/$NAME"
