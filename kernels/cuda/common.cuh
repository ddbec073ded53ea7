// Device helpers shared by the kernel files.
#pragma once
#include <cuda_runtime.h>
#include <cstdint>
#include "api.h"

namespace ii {

constexpr int kThreads = 256;

/** Blocks for a grid-stride loop over n items: enough to fill the GPU, capped to keep the grid valid. */
inline unsigned gridFor(int64_t n, int threads = kThreads) {
  int64_t blocks = (n + threads - 1) / threads;
  if (blocks < 1) blocks = 1;
  if (blocks > 65535LL * 32) blocks = 65535LL * 32;
  return static_cast<unsigned>(blocks);
}

#define II_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

/** Calls f(row) for each of `rows` rows, one warp a row, over a grid-stride loop (every lane of the warp calls). */
template <class F>
__device__ __forceinline__ void forEachWarpRow(int64_t rows, F f) {
  const int64_t warpsPerBlock = blockDim.x / 32;
  for (int64_t r = blockIdx.x * warpsPerBlock + threadIdx.x / 32; r < rows; r += (int64_t)gridDim.x * warpsPerBlock) {
    f(r);
  }
}

/** Offsets of row-major index i of w.shape along stride sets a and b. */
__device__ __forceinline__ void walkOffsets(const Walk& w, int64_t i, int64_t& oa, int64_t& ob) {
  oa = 0;
  ob = 0;
  for (int d = w.rank - 1; d >= 0; --d) {
    int64_t c = i % w.shape[d];
    i /= w.shape[d];
    oa += c * w.a[d];
    ob += c * w.b[d];
  }
}

/** JavaScript's ToInt32 of a double (what storing into an Int32Array does): truncate, wrap mod 2^32, NaN/∞ → 0. */
__device__ __forceinline__ int32_t toInt32(double v) {
  if (!isfinite(v)) return 0;
  double t = trunc(v);
  double m = fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

__device__ __forceinline__ float geluErf(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }

}  // namespace ii
