// Batched matrix product with broadcasting batch axes: the SIMT kernel (default, float32-exact) and, behind
// GemmArgs.mode, the tensor-core kernels of gemm_tc.cu where both operands allow 16-byte loads along k (the SIMT
// kernel otherwise: exact, slower).
#include "gemm_tile.cuh"

namespace ii {

cudaError_t gemmTensorCore(const GemmArgs& g, cudaStream_t s);

template <int BM, int TM, bool VA, bool VB>
__global__ void __launch_bounds__(kThreads) gemmKernel(GemmArgs g) {
  for (int64_t z = blockIdx.z; z < g.batches; z += gridDim.z) {
    int64_t offA, offB;
    walkOffsets(g.batchWalk, z, offA, offB);
    const MatLoader<VA> a{g.A + offA, g.sAm, g.sAk, g.M, g.K};
    const MatLoader<VB> b{g.B + offB, g.sBn, g.sBk, g.N, g.K};
    const Store c{g.C + z * g.sCbatch, g.M, g.N, g.cRows, g.sCb, g.sCm, g.sCn, g.bias, g.epilogue};
    sgemmTile<BM, TM>(a, b, c, g.K, (int64_t)blockIdx.x * BM, (int64_t)blockIdx.y * BM);
  }
}

/** Whether the operand can use 16-byte loads along k: contiguous k, K a multiple of 4, aligned rows. */
static bool vectorisable(const float* p, int64_t sRow, int64_t sK, int64_t K, const Walk& w, bool isA) {
  if (sK != 1 || K % 4 != 0 || sRow % 4 != 0 || reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
  for (int d = 0; d < w.rank; ++d) if ((isA ? w.a[d] : w.b[d]) % 4 != 0) return false;
  return true;
}

template <int BM, int TM>
static void launchSimt(const GemmArgs& g, bool va, bool vb, cudaStream_t s) {
  const dim3 grid((unsigned)((g.M + BM - 1) / BM), (unsigned)((g.N + BM - 1) / BM),
                  (unsigned)(g.batches < 65535 ? g.batches : 65535));
  if (va && vb) gemmKernel<BM, TM, true, true><<<grid, kThreads, 0, s>>>(g);
  else if (va) gemmKernel<BM, TM, true, false><<<grid, kThreads, 0, s>>>(g);
  else if (vb) gemmKernel<BM, TM, false, true><<<grid, kThreads, 0, s>>>(g);
  else gemmKernel<BM, TM, false, false><<<grid, kThreads, 0, s>>>(g);
}

cudaError_t gemm(const GemmArgs& g, cudaStream_t s) {
  if (g.M == 0 || g.N == 0 || g.batches == 0) return cudaSuccess;
  const bool va = vectorisable(g.A, g.sAm, g.sAk, g.K, g.batchWalk, true);
  const bool vb = vectorisable(g.B, g.sBn, g.sBk, g.K, g.batchWalk, false);
  // The tensor-core kernel's tile offsets are 32-bit: 128 rows of the operands' row strides, and K.
  const bool fits = g.K < (1LL << 30) && g.sAm < (1LL << 24) && g.sBn < (1LL << 24);
  if (g.mode != kGemmSimt && va && vb && fits) return gemmTensorCore(g, s);
  switch (chooseTile(g.M, g.N, g.batches)) {
    case 128: launchSimt<128, 8>(g, va, vb, s); break;
    case 64: launchSimt<64, 4>(g, va, vb, s); break;
    default: launchSimt<32, 2>(g, va, vb, s); break;
  }
  return cudaGetLastError();
}

}  // namespace ii
