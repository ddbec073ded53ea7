// The tiled fp32 SIMT GEMM core shared by the matrix product (gemm.cu) and implicit-GEMM convolution (conv2d.cu).
// 256 threads, a BM×BM output tile, each thread a TM×TM register block. Loaders fetch 4 consecutive k of one row
// (of A) or one column (of B) with zero fill outside the matrix; the store functor applies the epilogue.
#pragma once
#include <initializer_list>
#include "common.cuh"

namespace ii {

/** Strided matrix operand: element (row, k) at p[row·sRow + k·sK]. VEC: sK == 1, K % 4 == 0, 16-byte aligned rows. */
template <bool VEC>
struct MatLoader {
  const float* p;
  int64_t sRow, sK, rows, K;
  __device__ __forceinline__ void load4(int64_t row, int64_t k, float v[4]) const {
    if (VEC) {
      if (row < rows && k < K) {
        const float4 q = *reinterpret_cast<const float4*>(p + row * sRow + k);
        v[0] = q.x; v[1] = q.y; v[2] = q.z; v[3] = q.w;
      } else {
        v[0] = v[1] = v[2] = v[3] = 0.0f;
      }
    } else {
#pragma unroll
      for (int j = 0; j < 4; ++j) v[j] = (row < rows && k + j < K) ? p[row * sRow + (k + j) * sK] : 0.0f;
    }
  }
};

/** C(m, n) = C[(m / cRows)·sCb + (m % cRows)·sCm + n·sCn] with bias and activation. */
struct Store {
  float* C;
  int64_t M, N, cRows, sCb, sCm, sCn;
  const float* bias;
  int epilogue;
  __device__ __forceinline__ float* at(int64_t m, int64_t n) const {
    const int64_t image = m < cRows ? 0 : m / cRows;  // a 64-bit division only where m spans images
    return C + image * sCb + (m - image * cRows) * sCm + n * sCn;
  }
  /** The epilogue: bias, then the activation. */
  __device__ __forceinline__ float finish(float v, int64_t n) const {
    if (bias) v += bias[n];
    return epilogue == kEpiGelu ? geluErf(v) : v;
  }
  __device__ __forceinline__ void operator()(int64_t m, int64_t n, float v) const {
    if (m < M && n < N) *at(m, n) = finish(v, n);
  }
  /** C(m, n) = v0 and C(m, n + 1) = v1, as one 8-byte store where they are adjacent and aligned. */
  __device__ __forceinline__ void pair(int64_t m, int64_t n, float v0, float v1) const {
    if (m >= M) return;
    float* p = at(m, n);
    if (sCn != 1 || n + 1 >= N || (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
      (*this)(m, n, v0);
      (*this)(m, n + 1, v1);
      return;
    }
    *reinterpret_cast<float2*>(p) = make_float2(finish(v0, n), finish(v1, n + 1));
  }
};

template <int BM, int TM, class LA, class LB>
__device__ __forceinline__ void sgemmTile(const LA& a, const LB& b, const Store& c, int64_t K, int64_t m0, int64_t n0) {
  constexpr int BK = 1024 / BM;  // each thread loads one quad of A and one of B per k step
  constexpr int KQ = BK / 4;
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BM + 4];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int lr = threadIdx.x / KQ, lq = threadIdx.x % KQ;
  float acc[TM][TM];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TM; ++j) acc[i][j] = 0.0f;
  for (int64_t k0 = 0; k0 < K; k0 += BK) {
    float v[4];
    a.load4(m0 + lr, k0 + lq * 4, v);
#pragma unroll
    for (int j = 0; j < 4; ++j) As[lq * 4 + j][lr] = v[j];
    b.load4(n0 + lr, k0 + lq * 4, v);
#pragma unroll
    for (int j = 0; j < 4; ++j) Bs[lq * 4 + j][lr] = v[j];
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float ra[TM], rb[TM];
#pragma unroll
      for (int i = 0; i < TM; ++i) ra[i] = As[k][ty * TM + i];
#pragma unroll
      for (int j = 0; j < TM; ++j) rb[j] = Bs[k][tx * TM + j];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TM; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TM; ++j) c(m0 + ty * TM + i, n0 + tx * TM + j, acc[i][j]);
}

/**
 * Tile size for an M×N×batches problem: the largest tile that still gives enough blocks to fill the GPU and wastes
 * under a quarter of its area on the matrix edges (N = 64 or 72 layers would leave half of a 128 tile idle);
 * otherwise the least wasteful one.
 */
inline int chooseTile(int64_t M, int64_t N, int64_t batches) {
  int best = 32;
  double bestEfficiency = -1.0;
  for (int t : {128, 64, 32}) {
    const int64_t tm = (M + t - 1) / t, tn = (N + t - 1) / t;
    if (t != 32 && tm * tn * batches < 264) continue;
    const double efficiency = (double)M * (double)N / ((double)(tm * t) * (double)(tn * t));
    if (efficiency >= 0.75) return t;
    if (efficiency > bestEfficiency + 1e-9) {
      best = t;
      bestEfficiency = efficiency;
    }
  }
  return best;
}

}  // namespace ii
