// LayerNorm over the last axis (one warp per row, two passes for an accurate variance; rows up to 1024 values held in
// registers, so read once) and inference BatchNorm.
#include "common.cuh"

namespace ii {

__device__ __forceinline__ float warpSum(float v) {
  for (int d = 16; d > 0; d >>= 1) v += __shfl_xor_sync(0xffffffffu, v, d);
  return v;
}

__global__ void layerNormKernel(const float* __restrict__ x, const float* __restrict__ weight,
                                const float* __restrict__ bias, float* __restrict__ out, int64_t rows, int64_t cols,
                                float eps) {
  const int lane = threadIdx.x % 32;
  const float invCols = 1.0f / static_cast<float>(cols);
  forEachWarpRow(rows, [&](int64_t r) {
    const float* p = x + r * cols;
    float* q = out + r * cols;
    float sum = 0.0f;
    for (int64_t k = lane; k < cols; k += 32) sum += p[k];
    const float mean = warpSum(sum) * invCols;
    float sq = 0.0f;
    for (int64_t k = lane; k < cols; k += 32) {
      const float d = p[k] - mean;
      sq += d * d;
    }
    const float inv = rsqrtf(warpSum(sq) * invCols + eps);
    for (int64_t k = lane; k < cols; k += 32) {
      float v = (p[k] - mean) * inv;
      if (weight) v *= weight[k];
      if (bias) v += bias[k];
      q[k] = v;
    }
  });
}

/** layerNormKernel with the row in registers: PER values a lane (cols ≤ 32·PER), the same sums in the same order. */
template <int PER>
__global__ void layerNormRegKernel(const float* __restrict__ x, const float* __restrict__ weight,
                                   const float* __restrict__ bias, float* __restrict__ out, int64_t rows, int cols,
                                   float eps) {
  const int lane = threadIdx.x % 32;
  const float invCols = 1.0f / static_cast<float>(cols);
  forEachWarpRow(rows, [&](int64_t r) {
    const float* p = x + r * cols;
    float* q = out + r * cols;
    float v[PER];
    float sum = 0.0f;
#pragma unroll
    for (int i = 0; i < PER; ++i) {
      const int k = lane + 32 * i;
      v[i] = k < cols ? p[k] : 0.0f;
      if (k < cols) sum += v[i];
    }
    const float mean = warpSum(sum) * invCols;
    float sq = 0.0f;
#pragma unroll
    for (int i = 0; i < PER; ++i) {
      if (lane + 32 * i < cols) {
        const float d = v[i] - mean;
        sq += d * d;
      }
    }
    const float inv = rsqrtf(warpSum(sq) * invCols + eps);
#pragma unroll
    for (int i = 0; i < PER; ++i) {
      const int k = lane + 32 * i;
      if (k >= cols) continue;
      float y = (v[i] - mean) * inv;
      if (weight) y *= weight[k];
      if (bias) y += bias[k];
      q[k] = y;
    }
  });
}

cudaError_t layerNorm(const float* x, const float* weight, const float* bias, float* out, int64_t rows, int64_t cols,
                      float eps, cudaStream_t s) {
  if (rows == 0 || cols == 0) return cudaSuccess;
  const unsigned grid = gridFor(rows * 32);
  const int c = static_cast<int>(cols);
  if (cols <= 64) layerNormRegKernel<2><<<grid, kThreads, 0, s>>>(x, weight, bias, out, rows, c, eps);
  else if (cols <= 128) layerNormRegKernel<4><<<grid, kThreads, 0, s>>>(x, weight, bias, out, rows, c, eps);
  else if (cols <= 256) layerNormRegKernel<8><<<grid, kThreads, 0, s>>>(x, weight, bias, out, rows, c, eps);
  else if (cols <= 512) layerNormRegKernel<16><<<grid, kThreads, 0, s>>>(x, weight, bias, out, rows, c, eps);
  else if (cols <= 1024) layerNormRegKernel<32><<<grid, kThreads, 0, s>>>(x, weight, bias, out, rows, c, eps);
  else layerNormKernel<<<grid, kThreads, 0, s>>>(x, weight, bias, out, rows, cols, eps);
  return cudaGetLastError();
}

__global__ void batchNormKernel(const float* __restrict__ x, const float* __restrict__ mean,
                                const float* __restrict__ var, const float* __restrict__ weight,
                                const float* __restrict__ bias, float* __restrict__ out, int64_t channels,
                                int64_t inner, float eps, int64_t n) {
  II_GRID_STRIDE(i, n) {
    const int64_t c = (i / inner) % channels;
    const float scale = (weight ? weight[c] : 1.0f) / sqrtf(var[c] + eps);
    const float shift = (bias ? bias[c] : 0.0f) - mean[c] * scale;
    out[i] = x[i] * scale + shift;
  }
}

cudaError_t batchNorm(const float* x, const float* mean, const float* var, const float* weight, const float* bias,
                      float* out, int64_t outer, int64_t channels, int64_t inner, float eps, cudaStream_t s) {
  const int64_t n = outer * channels * inner;
  if (n == 0) return cudaSuccess;
  batchNormKernel<<<gridFor(n), kThreads, 0, s>>>(x, mean, var, weight, bias, out, channels, inner, eps, n);
  return cudaGetLastError();
}

}  // namespace ii
