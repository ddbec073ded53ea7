#!/usr/bin/env bash
# The GPU checks, run on a GPU machine from the repository root after scripts/device/pack.sh packed .device/ here.
# Unpacks Node, node_modules, the dist/ folders and the CUDA addon; installs the Vulkan loader for Dawn; then runs
#   A (in parallel): the CUDA smoke test, suites and fixtures  |  the gpujs-webgpu suites
#   B (one at a time, for clean timings): the CUDA benchmark, the gpujs-webgpu whole-model benchmark at batch 1 and 64.
# Logs go to $OUT (default ./device-out; at most 8 files come back: 5 logs and results/*.json). Usage: bash scripts/device/check.sh [cuda|gpujs|bench-cuda|bench-cuda-dcn|bench-gpujs ...]
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-$PWD/device-out}; mkdir -p "$OUT"
steps=("$@"); [ ${#steps[@]} -eq 0 ] && steps=(cuda gpujs bench-cuda bench-cuda-dcn bench-gpujs)
has() { local s; for s in "${steps[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }

if ! command -v node >/dev/null; then
  mkdir -p /tmp/nodebin && xz -dc .device/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node
  export PATH=/tmp/nodebin:$PATH
fi
[ -d node_modules ] || tar -xJf .device/tree.tar.xz
for f in .device/gl/*.deb; do dpkg -x "$f" / ; done; ldconfig
# The container mounts NVIDIA's driver under /usr/local/nvidia; the loaders do not look there by themselves.
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
egl=$(ls /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json 2>/dev/null | head -1)
[ -n "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
echo "vulkan ICD: ${icd:-none found}; EGL vendor: ${egl:-none found}"
stamp "unpacked; node $(node --version)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

cuda_checks() {
  timeout 270 bash packages/backend-cuda/scripts/gpu-check.sh smoke tests fixtures
}
gpujs_checks() {
  INTERNIMAGE_TEST_BACKENDS=cpu,gpujs-webgpu timeout 270 node scripts/run-tests.mjs \
    test/suites/op_cases.test.ts test/suites/dcnv3.test.ts test/suites/model.test.ts test/suites/mnist.test.ts test/backends/gpujs.test.ts
}
pids=()
if has cuda; then cuda_checks > "$OUT/cuda-checks.log" 2>&1 & pids+=($!); fi
if has gpujs; then gpujs_checks > "$OUT/gpujs-checks.log" 2>&1 & pids+=($!); fi
for p in "${pids[@]}"; do wait "$p"; done
stamp "phase A done"
for f in "$OUT"/cuda-checks.log "$OUT"/gpujs-checks.log; do [ -f "$f" ] && { echo "== $f"; grep -E '^(FAIL|not ok|ava:|smoke:|[a-z]+: (ok|FAILED))|passed, ' "$f" | head -40; }; done

if has bench-cuda; then
  timeout 150 node --import=tsx --conditions=source bench/cuda.bench.ts > "$OUT/cuda-bench.log" 2>&1
  stamp "cuda bench exit $?"; tail -60 "$OUT/cuda-bench.log"
fi
if has bench-cuda-dcn; then
  timeout 100 node --import=tsx --conditions=source bench/tuning/cuda_dcn_sweep.ts > "$OUT/cuda-dcn-sweep.log" 2>&1
  stamp "cuda dcn sweep exit $?"; tail -40 "$OUT/cuda-dcn-sweep.log"
fi
if has bench-gpujs; then
  for b in 1 64; do
    timeout 90 node --import=tsx --conditions=source bench/gpujs.bench.ts --backend gpujs-webgpu --no-ops --batch $b --min-samples $([ $b = 1 ] && echo 5 || echo 2) \
      > "$OUT/gpujs-bench-b$b.tmp" 2>&1
    stamp "gpujs bench b$b exit $?"; tail -12 "$OUT/gpujs-bench-b$b.tmp"
    cat "$OUT/gpujs-bench-b$b.tmp" >> "$OUT/gpujs-bench.log"; rm "$OUT/gpujs-bench-b$b.tmp"
  done
fi
cp -r bench/results "$OUT/" 2>/dev/null
stamp done
