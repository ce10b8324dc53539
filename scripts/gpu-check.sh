#!/usr/bin/env bash
# The checks that need an NVIDIA GPU, as one script for a session lent a GPU machine (CUDA nvcc, CMake and a
# Python with a CUDA PyTorch 2.x, whose bundled libtorch the addon is built against; no Node.js, no network).
#   here:   bash scripts/gpu-pack.sh       (node, node_modules and the parity fixtures into .device/)
#   there:  bash scripts/gpu-check.sh      (run with carry [".device"])
# The parity fixtures come from SAM2_PARITY_DIR, else ../shared/parity/mini, else .device/parity (unpacked from
# .device/parity.tar.xz), since ../shared does not exist on the GPU machine.
# Steps are timed and logged to $OUT (else build/gpu-check); a failing step is recorded and the next one runs.
# The whole run stays under BUDGET_S so that a 15-minute device lease leaves time for one rerun.
# GPU_CHECK_DRY_RUN=1 skips the steps that need a GPU or a CUDA libtorch: a check of the plumbing on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOG_DIR=${OUT:-$ROOT/build/gpu-check}
BUDGET_S=470
DRY_RUN=${GPU_CHECK_DRY_RUN:-}
mkdir -p "$LOG_DIR" .device/bin

# Node.js and the packed inputs first: every step needs them (see scripts/gpu-pack.sh).
if [[ ! -x .device/bin/node || .device/node.xz -nt .device/bin/node ]]; then
  xz -dc .device/node.xz >.device/bin/node
  chmod +x .device/bin/node
fi
[[ -d node_modules ]] || tar -xJf .device/node_modules.tar.xz
if [[ -z ${SAM2_PARITY_DIR:-} ]]; then
  SAM2_PARITY_DIR=$ROOT/.device/parity
  [[ -d ../shared/parity/mini ]] && SAM2_PARITY_DIR=$(cd ../shared/parity/mini && pwd)
fi
if [[ ! -d $SAM2_PARITY_DIR ]]; then
  mkdir -p "$SAM2_PARITY_DIR"
  tar -C "$SAM2_PARITY_DIR" -xJf .device/parity.tar.xz
fi
export SAM2_PARITY_DIR

# Environment shared by all steps (each runs in its own bash).
[[ -d /usr/local/cuda/bin ]] && PATH=/usr/local/cuda/bin:$PATH
export PATH=$ROOT/.device/bin:$PATH
find_python="import { findPython } from './scripts/lib/python.mjs'; console.log(findPython() ?? 'python3');"
SAM2_PYTHON=${SAM2_PYTHON:-$(node --input-type=module -e "$find_python")}
LIBTORCH=$("$SAM2_PYTHON" -c 'import torch,os;print(os.path.dirname(torch.__file__))' || true)
export SAM2_PYTHON LIBTORCH Torch_DIR=$LIBTORCH/share/cmake/Torch
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}
export ONNXRUNTIME_NODE_INSTALL=skip

step_env() {
  echo "node $(node --version), python $SAM2_PYTHON, parity fixtures $SAM2_PARITY_DIR"
  if [[ -z $DRY_RUN ]]; then
    nvidia-smi -L
    nvcc --version | tail -2
  fi
  "$SAM2_PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'
  echo "Torch_DIR=$Torch_DIR"
}

step_cc() {
  # The nvcc line of cuda/tools/cc_check.cu's header: no CMake configure needed.
  mkdir -p build
  nvcc -std=c++17 -O2 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 -Icuda -Icpp \
    cuda/tools/cc_check.cu cuda/connected_components.cu cpp/core/connected_components.cpp -o build/cc_check
  build/cc_check
}

step_export() {
  # Always re-exported: the point is the exporter under this machine's PyTorch.
  rm -rf test/.cache/mini
  node --input-type=module -e "import { ensureTestModel } from './scripts/lib/test-model.mjs'; ensureTestModel();"
  grep -o '"torchVersion": "[^"]*"' test/.cache/mini/manifest.json
}

step_build() {
  # A build tree configured against another libtorch (e.g. carried from a CPU machine) must be configured anew.
  if [[ -f build/CMakeCache.txt && $(grep '^Torch_DIR:' build/CMakeCache.txt) != *"=$Torch_DIR" ]]; then
    rm -rf build/CMakeCache.txt build/CMakeFiles
  fi
  node node_modules/cmake-js/bin/cmake-js compile --CDTorch_DIR="$Torch_DIR"
  # Without nvcc or a CUDA libtorch, CMake silently leaves the kernels out and hole filling runs on the CPU.
  grep -rqs -- -DSAM2_WITH_CUDA=1 build/build.ninja build/CMakeFiles || { echo 'CUDA kernels not built'; exit 1; }
  node -e "if (!require('node-gyp-build')('.').cudaAvailable()) throw new Error('addon: no CUDA')"
  echo 'addon loads, CUDA available'
}

vitest_parity() { node node_modules/vitest/vitest.mjs run parity; }

step_parity_fp32() { SAM2_TEST_DEVICE=cuda NVIDIA_TF32_OVERRIDE=0 vitest_parity; }

step_parity_bf16() { SAM2_TEST_DEVICE=cuda SAM2_TEST_DTYPE=bfloat16 vitest_parity; }

step_bench() {
  # `npm run bench -- --device cuda` without npm, which is not carried.
  node scripts/setup.mjs
  node --expose-gc bench/run.mjs --device cuda
  cp bench/.cache/last.json "$LOG_DIR/bench.json"
}

export -f step_env step_cc step_export step_build vitest_parity step_parity_fp32 step_parity_bf16 step_bench
export DRY_RUN LOG_DIR

START=$SECONDS
RESULTS=()
# run_step NAME LIMIT_S cpu|gpu [all]: runs step_NAME in its own bash (so that `set -e` holds inside it even
# though its status is tested here) under min(LIMIT_S, what is left of BUDGET_S); prints its log's tail if it
# fails, or all of it with `all`.
run_step() {
  local name=$1 limit=$2 needs_gpu=$3 show=${4:-} log=$LOG_DIR/$1.log t0=$SECONDS status=ok
  local left=$((BUDGET_S - (SECONDS - START)))
  if [[ -n $DRY_RUN && $needs_gpu == gpu ]]; then
    status=SKIP
  elif ((left < 10)); then
    status="SKIP (budget)"
  else
    echo "== $name"
    timeout --kill-after=10 "$((limit < left ? limit : left))" bash -euo pipefail -c "step_$name" >"$log" 2>&1 ||
      status="FAIL ($?)"
    if [[ $show == all ]]; then cat "$log"; elif [[ $status != ok ]]; then tail -n 25 "$log"; fi
  fi
  RESULTS+=("| $name | $status | $((SECONDS - t0)) |")
}

run_step env 60 cpu all
run_step cc 150 gpu
run_step export 120 cpu
run_step build 240 gpu
run_step parity_fp32 150 gpu
run_step parity_bf16 150 gpu
run_step bench 120 gpu
grep -A20 '^| what' "$LOG_DIR/bench.log" 2>/dev/null || true

{
  echo "| step | status | s |"
  echo "|---|---|---|"
  printf '%s\n' "${RESULTS[@]}"
  echo "total $((SECONDS - START)) s, logs in $LOG_DIR"
} | tee "$LOG_DIR/summary.md"
if grep -q FAIL "$LOG_DIR/summary.md"; then exit 1; fi
