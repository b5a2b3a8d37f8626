#!/usr/bin/env bash
# Sets up a Debian 12 machine for Lepton Workbench from Debian's packages,
# builds it, then launches the workbench or runs the test suite.
# Safe to run again: installed packages and up-to-date builds are skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${LEPTON_BUILD_DIR:-$ROOT/build}"

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread libgloo-dev  # libgloo-dev: data-parallel training
  libdnnl-dev  # Linear layers on oneDNN's matrix product
  qt6-base-dev libgl-dev libqcustomplot-dev libqcustomplot2.1-qt6
  qt6-svg-dev  # plots export as SVG
  nlohmann-json3-dev libcli11-dev zlib1g-dev libzip-dev libstb-dev
  libjpeg-dev libpng-dev libsqlite3-dev  # libsqlite3-dev: the run history
  libonnx-dev  # ONNX export through the ONNX library's own protobuf and checker
  clang-14 libclang-rt-14-dev  # tests/fuzz: libFuzzer and the sanitizers
  dataset-fashion-mnist python3
  python3-torch  # tests: torchrun launches data-parallel workers; exports load in PyTorch
  python3-onnx libopencv-dnn-dev  # tests: the ONNX checker and OpenCV's DNN run the ONNX exports
  xvfb xauth
)

usage() {
  cat <<USAGE
usage: installer/setup.sh COMMAND [ARGS]
  launch [PROJECT]  install, build, open the workbench (default: projects/spiral-mlp.lepton)
  test              install, build, run the whole test suite
  sanitize          install, build with AddressSanitizer and UndefinedBehaviorSanitizer
                    in build-asan/, run the suite there (the fuzzers: see test)
  build             install and build only
  deps              install the Debian packages only
Environment: LEPTON_BUILD_DIR (default: build/), LEPTON_CMAKE_ARGS (extra cmake arguments)
USAGE
}

install_packages() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#PACKAGES[@]} packages are installed"
    return
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  # shellcheck disable=SC2086 # LEPTON_CMAKE_ARGS is a list of arguments
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${LEPTON_CMAKE_ARGS:-}
  cmake --build "$BUILD_DIR"
  # The example projects' CSV table and image folder are generated, not stored.
  python3 "$ROOT/projects/data/make_examples.py"
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  deps) install_packages ;;
  build) install_packages; build ;;
  launch)
    install_packages
    build
    exec "$BUILD_DIR/bin/lepton-workbench" "${1:-$ROOT/projects/spiral-mlp.lepton}"
    ;;
  test)
    install_packages
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure
    ;;
  sanitize)
    install_packages
    BUILD_DIR="${LEPTON_BUILD_DIR:-$ROOT/build}-asan"
    LEPTON_CMAKE_ARGS="-DCMAKE_BUILD_TYPE=Debug -DLEPTON_SANITIZE=ON ${LEPTON_CMAKE_ARGS:-}"
    build
    # The fuzz tests build their own sanitized harnesses: the test command runs them.
    ctest --test-dir "$BUILD_DIR" --output-on-failure -E '^fuzz'
    ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
