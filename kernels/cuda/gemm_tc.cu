// Tensor-core GEMM through WMMA (sm_80+): TF32 (10-bit mantissa products, float accumulation: fast, about 1e-3
// relative error) and 3xTF32 (each operand split into a TF32 "big" part and a TF32 remainder; three products keep
// close to float32 accuracy). Selected with GemmArgs.mode; the SIMT kernel in gemm.cu stays the default.
#include <mma.h>
#include "gemm_tile.cuh"

namespace ii {

using namespace nvcuda;

namespace {

constexpr int TBM = 128, TBN = 64, TBK = 32, LDS = TBK + 4;  // 8 warps as 4 (m) × 2 (n), 32×32 each

using FragA = wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major>;
using FragB = wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major>;
using FragC = wmma::fragment<wmma::accumulator, 16, 16, 8, float>;

template <class F>
__device__ __forceinline__ void split(F& big, F& small) {
#pragma unroll
  for (int t = 0; t < big.num_elements; ++t) {
    const float raw = big.x[t];
    const float hi = wmma::__float_to_tf32(raw);
    big.x[t] = hi;
    small.x[t] = wmma::__float_to_tf32(raw - hi);
  }
}

template <class F>
__device__ __forceinline__ void round(F& f) {
#pragma unroll
  for (int t = 0; t < f.num_elements; ++t) f.x[t] = wmma::__float_to_tf32(f.x[t]);
}

template <bool THREE, bool VA, bool VB>
__global__ void __launch_bounds__(kThreads) gemmTcKernel(GemmArgs g) {
  __shared__ __align__(32) float As[TBM][LDS];
  __shared__ __align__(32) float Bs[TBN][LDS];
  __shared__ __align__(32) float stage[kThreads / 32][16 * 16];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int wm = warp / 2, wn = warp % 2;
  const int64_t m0 = (int64_t)blockIdx.x * TBM, n0 = (int64_t)blockIdx.y * TBN;
  for (int64_t z = blockIdx.z; z < g.batches; z += gridDim.z) {
    int64_t offA, offB;
    walkOffsets(g.batchWalk, z, offA, offB);
    const MatLoader<VA> a{g.A + offA, g.sAm, g.sAk, g.M, g.K};
    const MatLoader<VB> b{g.B + offB, g.sBn, g.sBk, g.N, g.K};
    const Store c{g.C + z * g.sCbatch, g.M, g.N, g.cRows, g.sCb, g.sCm, g.sCn, g.bias, g.epilogue};
    FragC acc[2][2];
#pragma unroll
    for (int i = 0; i < 2; ++i)
#pragma unroll
      for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
    for (int64_t k0 = 0; k0 < g.K; k0 += TBK) {
      for (int e = threadIdx.x; e < TBM * TBK / 4; e += kThreads) {
        const int r = e / (TBK / 4), q = e % (TBK / 4);
        a.load4(m0 + r, k0 + q * 4, &As[r][q * 4]);
      }
      for (int e = threadIdx.x; e < TBN * TBK / 4; e += kThreads) {
        const int r = e / (TBK / 4), q = e % (TBK / 4);
        b.load4(n0 + r, k0 + q * 4, &Bs[r][q * 4]);
      }
      __syncthreads();
#pragma unroll
      for (int kk = 0; kk < TBK; kk += 8) {
        FragA fa[2], faSmall[2];
        FragB fb[2], fbSmall[2];
#pragma unroll
        for (int i = 0; i < 2; ++i) {
          wmma::load_matrix_sync(fa[i], &As[wm * 32 + i * 16][kk], LDS);
          if (THREE) split(fa[i], faSmall[i]); else round(fa[i]);
        }
#pragma unroll
        for (int j = 0; j < 2; ++j) {
          wmma::load_matrix_sync(fb[j], &Bs[wn * 32 + j * 16][kk], LDS);
          if (THREE) split(fb[j], fbSmall[j]); else round(fb[j]);
        }
#pragma unroll
        for (int i = 0; i < 2; ++i)
#pragma unroll
          for (int j = 0; j < 2; ++j) {
            if (THREE) {
              wmma::mma_sync(acc[i][j], faSmall[i], fb[j], acc[i][j]);
              wmma::mma_sync(acc[i][j], fa[i], fbSmall[j], acc[i][j]);
            }
            wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
          }
      }
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 2; ++i)
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        wmma::store_matrix_sync(stage[warp], acc[i][j], 16, wmma::mem_row_major);
        __syncwarp();
        for (int e = lane; e < 256; e += 32) {
          c(m0 + wm * 32 + i * 16 + e / 16, n0 + wn * 32 + j * 16 + e % 16, stage[warp][e]);
        }
        __syncwarp();
      }
  }
}

bool aligned4(const float* p, int64_t sRow, int64_t sK, int64_t K, const int64_t* batchStrides, int rank) {
  if (sK != 1 || K % 4 != 0 || sRow % 4 != 0 || reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
  for (int d = 0; d < rank; ++d) if (batchStrides[d] % 4 != 0) return false;
  return true;
}

template <bool THREE>
void launchTc(const GemmArgs& g, cudaStream_t s) {
  const bool va = aligned4(g.A, g.sAm, g.sAk, g.K, g.batchWalk.a, g.batchWalk.rank);
  const bool vb = aligned4(g.B, g.sBn, g.sBk, g.K, g.batchWalk.b, g.batchWalk.rank);
  const dim3 grid((unsigned)((g.M + TBM - 1) / TBM), (unsigned)((g.N + TBN - 1) / TBN),
                  (unsigned)(g.batches < 65535 ? g.batches : 65535));
  if (va && vb) gemmTcKernel<THREE, true, true><<<grid, kThreads, 0, s>>>(g);
  else if (va) gemmTcKernel<THREE, true, false><<<grid, kThreads, 0, s>>>(g);
  else if (vb) gemmTcKernel<THREE, false, true><<<grid, kThreads, 0, s>>>(g);
  else gemmTcKernel<THREE, false, false><<<grid, kThreads, 0, s>>>(g);
}

}  // namespace

cudaError_t gemmTensorCore(const GemmArgs& g, cudaStream_t s) {
  if (g.mode == kGemm3xTf32) launchTc<true>(g, s);
  else launchTc<false>(g, s);
  return cudaGetLastError();
}

}  // namespace ii
