#!/usr/bin/env bash
# The CUDA checks for a GPU machine, in one go, from the repository root. Needs the built addon
# (packages/backend-cuda/native/build) and the packages' dist/ folders (for the CLI), e.g. carried from a build machine.
# Each step runs even when an earlier one failed; a summary ends the output. Exit status: number of failed steps.
#   bash packages/backend-cuda/scripts/gpu-check.sh [smoke|tests|fixtures|bench ...]   (default: all four)
set -u
cd "$(dirname "$0")/../../.."
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(smoke tests fixtures bench)
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
declare -A status
for step in "${steps[@]}"; do
  echo "===== $step ====="
  case "$step" in
    smoke) timeout 300 node packages/backend-cuda/scripts/smoke.mjs ;;
    tests) INTERNIMAGE_TEST_BACKENDS=cuda INTERNIMAGE_CUDA_POISON=1 timeout 600 node scripts/run-tests.mjs \
             test/suites/op_cases.test.ts test/suites/dcnv3.test.ts test/suites/model.test.ts test/suites/mnist.test.ts test/backends/cuda.test.ts ;;
    fixtures) timeout 300 node packages/internimage/bin/internimage.js check-fixtures test/fixtures/internimage --backend cuda ;;
    bench) timeout 600 node --import=tsx --conditions=source bench/cuda.bench.ts ;;
    *) echo "unknown step '$step'"; false ;;
  esac
  status[$step]=$?
done
echo "===== summary ====="
failed=0
for step in "${steps[@]}"; do
  echo "$step: $([ "${status[$step]}" -eq 0 ] && echo ok || echo "FAILED (exit ${status[$step]})")"
  [ "${status[$step]}" -eq 0 ] || failed=$((failed + 1))
done
exit $failed
