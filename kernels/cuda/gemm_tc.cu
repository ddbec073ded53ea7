// Tensor-core GEMM (sm_80+) through mma.sync m16n8k8: TF32 (10-bit mantissa products, float accumulation: fast,
// about 1e-3 relative error) and 3xTF32 (each operand split into a TF32 "big" part and a TF32 remainder; three
// products keep close to float32 accuracy). Selected with GemmArgs.mode; the SIMT kernel in gemm.cu stays the
// default. Needs both operands k-contiguous with 16-byte aligned rows (gemm.cu runs the SIMT kernel otherwise).
//
// A 128×BN block tile (BN 128 or 64), k in steps of 32 through a 3-stage cp.async pipeline in dynamic shared memory,
// 8 warps of 64×32 or 32×32 outputs. Measured on an H200 at the InternImage-T linear shapes (2026-11-27): 4 warps of
// 64×64 were 1.6× slower, and rounding each tile once in shared memory, or by an integer half-ulp add, was no faster
// than cvt.rna in registers. Shared rows are 32 floats (eight 16-byte chunks); chunk c of row r sits at c ^ 4·(r & 1).
// Fragment layouts are the PTX ISA's for m16n8k8 .tf32 (g = lane / 4, t = lane % 4): A regs (row, k) = (g, t),
// (g + 8, t), (g, t + 4), (g + 8, t + 4); B regs (k, n) = (t, g), (t + 4, g); C regs (row, n) = (g, 2t), (g, 2t + 1),
// (g + 8, 2t), (g + 8, 2t + 1). The k order inside each 16-wide slice is permuted, the same way for A and B (a sum
// over k does not depend on its order): logical k t and t + 4 of the slice's first k8 step are physical 4t and
// 4t + 1, of its second step 4t + 2 and 4t + 3. So one 16-byte load gives a lane its values of a row for both steps,
// and, with the chunk swizzle, the 8 lanes of each quarter-warp read two rows of different parity: conflict-free.
// Values are rounded to TF32 (and, for 3xTF32, split) in registers as they are loaded.
#include "gemm_tile.cuh"

namespace ii {

namespace {

constexpr int BM = 128, BK = 32, STAGES = 3;

__device__ __forceinline__ uint32_t toTf32(float x) {
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return r;
}

__device__ __forceinline__ void mma(float* d, const uint32_t* a, const uint32_t* b) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

/** 16 bytes global → shared, asynchronously; zeros when !valid (src is then never read). */
__device__ __forceinline__ void copy16(float* dst, const float* src, bool valid) {
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(s), "l"(src), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void commit() { asm volatile("cp.async.commit_group;"); }
template <int N>
__device__ __forceinline__ void waitGroups() { asm volatile("cp.async.wait_group %0;" ::"n"(N)); }

/** Float offset of chunk c (of 8) of row r in a tile. */
__device__ __forceinline__ int at(int r, int c) { return r * BK + ((c ^ ((r & 1) << 2)) << 2); }

/** Warp layout of a 128×BN block: 8 warps of 64×32 (BN 128) or 32×32 (BN 64); 4 warps of 64×32 for 3xTF32 at BN 64. */
template <bool THREE, int BN>
struct Shape {
  static constexpr int WM = BN == 128 || THREE ? 64 : 32, WN = 32;
  static constexpr int WARPS_N = BN / WN, WARPS = (BM / WM) * WARPS_N, THREADS = WARPS * 32;
  static constexpr int MI = WM / 16, NI = WN / 8;  // m16 × n8 fragments a warp
  static constexpr int MINB = THREADS == 256 && !THREE ? 2 : 1;  // TF32: two blocks an SM (registers ≤ 128)
};

/** Chunks of a ROWS-row tile a thread copies: chunk e = threadIdx.x + it·NT is (row e / 8, chunk e % 8). */
template <int ROWS, int NT>
__host__ __device__ constexpr int chunksPerThread() {
  static_assert(ROWS * BK / 4 % NT == 0, "whole chunks per thread");
  return ROWS * BK / 4 / NT;
}

/**
 * Copies ROWS rows × BK k of a k-contiguous operand into s: element (r, k) from p[r·sRow + k]; zeros for r ≥ rows or
 * k ≥ kLeft. 32-bit offsets (the host checks ROWS·sRow fits).
 */
template <int ROWS, int NT>
__device__ __forceinline__ void loadTile(float* s, const float* p, int sRow, int rows, int kLeft) {
#pragma unroll
  for (int it = 0; it < chunksPerThread<ROWS, NT>(); ++it) {
    const int e = threadIdx.x + it * NT, r = e / 8, c = e % 8;
    const bool valid = r < rows && c * 4 < kLeft;  // K % 4 == 0: a chunk is all in or all out
    copy16(s + at(r, c), valid ? p + r * sRow + c * 4 : p, valid);
  }
}

/** TF32 operand registers of v: its rounding, and for 3xTF32 the rounding of the remainder. */
template <bool THREE>
__device__ __forceinline__ void split(float v, uint32_t& big, uint32_t& small) {
  big = toTf32(v);
  if constexpr (THREE) small = toTf32(v - __uint_as_float(big));
}

template <bool THREE, int BN>
__global__ void __launch_bounds__(Shape<THREE, BN>::THREADS, Shape<THREE, BN>::MINB) gemmMmaKernel(GemmArgs g) {
  using S = Shape<THREE, BN>;
  constexpr int MI = S::MI, NI = S::NI, NT = S::THREADS;
  extern __shared__ float4 smemRaw[];
  float* smem = reinterpret_cast<float*>(smemRaw);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int gq = lane / 4, tq = lane % 4;
  const int wm0 = (warp / S::WARPS_N) * S::WM, wn0 = (warp % S::WARPS_N) * S::WN;
  const int64_t m0 = (int64_t)blockIdx.x * BM, n0 = (int64_t)blockIdx.y * BN;
  const int kTiles = (int)((g.K + BK - 1) / BK);
  for (int64_t z = blockIdx.z; z < g.batches; z += gridDim.z) {
    int64_t offA, offB;
    walkOffsets(g.batchWalk, z, offA, offB);
    const float* A = g.A + offA + m0 * g.sAm;
    const float* B = g.B + offB + n0 * g.sBn;
    const int rowsA = (int)(g.M - m0 < BM ? g.M - m0 : BM), rowsB = (int)(g.N - n0 < BN ? g.N - n0 : BN);
    auto stageA = [&](int st) { return smem + st * (BM + BN) * BK; };
    auto stageB = [&](int st) { return smem + st * (BM + BN) * BK + BM * BK; };
    auto load = [&](int kt) {
      const int st = kt % STAGES;
      const int64_t k0 = (int64_t)kt * BK;
      loadTile<BM, NT>(stageA(st), A + k0, (int)g.sAm, rowsA, (int)(g.K - k0));
      loadTile<BN, NT>(stageB(st), B + k0, (int)g.sBn, rowsB, (int)(g.K - k0));
    };
    float acc[MI][NI][4];
#pragma unroll
    for (int i = 0; i < MI; ++i)
#pragma unroll
      for (int j = 0; j < NI; ++j)
#pragma unroll
        for (int r = 0; r < 4; ++r) acc[i][j][r] = 0.0f;
#pragma unroll
    for (int st = 0; st < STAGES - 1; ++st) {
      if (st < kTiles) load(st);
      commit();
    }
    for (int kt = 0; kt < kTiles; ++kt) {
      waitGroups<STAGES - 2>();  // this thread's copies of tile kt have landed
      __syncthreads();           // everyone's have; every warp is done with the stage the next load overwrites
      if (kt + STAGES - 1 < kTiles) load(kt + STAGES - 1);
      commit();
      const float* As = stageA(kt % STAGES);
      const float* Bs = stageB(kt % STAGES);
#pragma unroll
      for (int slice = 0; slice < BK / 16; ++slice) {
        const int c = slice * 4 + tq;
        // b[j][2·step + r]: register r of fragment j for k8 step `step` of this slice
        uint32_t b[NI][4], bSmall[THREE ? NI : 1][4];
#pragma unroll
        for (int j = 0; j < NI; ++j) {
          const float4 v = *reinterpret_cast<const float4*>(Bs + at(wn0 + j * 8 + gq, c));
          split<THREE>(v.x, b[j][0], bSmall[THREE ? j : 0][0]);
          split<THREE>(v.y, b[j][1], bSmall[THREE ? j : 0][1]);
          split<THREE>(v.z, b[j][2], bSmall[THREE ? j : 0][2]);
          split<THREE>(v.w, b[j][3], bSmall[THREE ? j : 0][3]);
        }
#pragma unroll
        for (int i = 0; i < MI; ++i) {
          const int row = wm0 + i * 16 + gq;
          const float4 lo = *reinterpret_cast<const float4*>(As + at(row, c));
          const float4 hi = *reinterpret_cast<const float4*>(As + at(row + 8, c));
#pragma unroll
          for (int step = 0; step < 2; ++step) {
            uint32_t a[4], aSmall[4];
            split<THREE>(step ? lo.z : lo.x, a[0], aSmall[0]);
            split<THREE>(step ? hi.z : hi.x, a[1], aSmall[1]);
            split<THREE>(step ? lo.w : lo.y, a[2], aSmall[2]);
            split<THREE>(step ? hi.w : hi.y, a[3], aSmall[3]);
#pragma unroll
            for (int j = 0; j < NI; ++j) {
              if constexpr (THREE) {
                mma(acc[i][j], aSmall, &b[j][2 * step]);
                mma(acc[i][j], a, &bSmall[j][2 * step]);
              }
              mma(acc[i][j], a, &b[j][2 * step]);
            }
          }
        }
      }
    }
    waitGroups<0>();
    __syncthreads();  // the next batch's prologue overwrites stages other warps may still read
    const Store c{g.C + z * g.sCbatch, g.M, g.N, g.cRows, g.sCb, g.sCm, g.sCn, g.bias, g.epilogue};
#pragma unroll
    for (int i = 0; i < MI; ++i)
#pragma unroll
      for (int j = 0; j < NI; ++j) {
        const int64_t row = m0 + wm0 + i * 16 + gq, col = n0 + wn0 + j * 8 + 2 * tq;
        c.pair(row, col, acc[i][j][0], acc[i][j][1]);
        c.pair(row + 8, col, acc[i][j][2], acc[i][j][3]);
      }
  }
}

template <int BN>
constexpr size_t smemBytes() { return (size_t)STAGES * (BM + BN) * BK * sizeof(float); }

template <bool THREE, int BN>
cudaError_t optIn() {
  return cudaFuncSetAttribute(gemmMmaKernel<THREE, BN>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                              (int)smemBytes<BN>());
}

template <bool THREE, int BN>
void launch(const GemmArgs& g, cudaStream_t s) {
  const dim3 grid((unsigned)((g.M + BM - 1) / BM), (unsigned)((g.N + BN - 1) / BN),
                  (unsigned)(g.batches < 65535 ? g.batches : 65535));
  gemmMmaKernel<THREE, BN><<<grid, Shape<THREE, BN>::THREADS, smemBytes<BN>(), s>>>(g);
}

/** 64-wide tiles where a 128-wide one would leave over a quarter of its columns idle (N = 64, 72, 320, …). */
template <bool THREE>
void launchFor(const GemmArgs& g, cudaStream_t s) {
  const int64_t waste128 = ((g.N + 127) / 128) * 128 - g.N;
  if (waste128 * 4 > ((g.N + 127) / 128) * 128) launch<THREE, 64>(g, s);
  else launch<THREE, 128>(g, s);
}

}  // namespace

cudaError_t prepareKernels() {
  for (const cudaError_t e : {optIn<false, 64>(), optIn<false, 128>(), optIn<true, 64>(), optIn<true, 128>()}) {
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}

cudaError_t gemmTensorCore(const GemmArgs& g, cudaStream_t s) {
  if (g.mode == kGemm3xTf32) launchFor<true>(g, s);
  else launchFor<false>(g, s);
  return cudaGetLastError();
}

}  // namespace ii
