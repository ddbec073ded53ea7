// DCNv3 core operator, NHWC (docs/internimage.md#the-dcnv3-operator), float32 or float16 storage with float math.
//
// Vectorised kernel: one "item" is one (n, ho, wo, g); a thread owns VEC consecutive channels of an item
// (float4 / 8 halves per load). A block takes a contiguous run of items, stages their offsets and mask in shared
// memory with coalesced loads (every channel thread of an item reuses them), and each item decodes its own
// (n, ho, wo, g), so a block may span images and the result does not depend on the batch or shape.
// Simple kernel (kDcnSimple): one thread per output scalar, the operator's loop written out.
// Fast kernel (kDcnAuto, kDcnItem, kDcnPair, kDcnQuad; see "Fast kernel" below): 3×3 kernels only; where its
// preconditions do not hold (kernel size, channel alignment, 32-bit indexing, 16-byte aligned buffers) the vectorised
// kernel (kDcnVec) runs instead.
#include <cuda_fp16.h>
#include "common.cuh"

namespace ii {

__device__ __forceinline__ float toFloat(float v) { return v; }
__device__ __forceinline__ float toFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ void fromFloat(float v, float* p) { *p = v; }
__device__ __forceinline__ void fromFloat(float v, __half* p) { *p = __float2half_rn(v); }

/** acc[0..VEC) += w · p[0..VEC), with one 16/8-byte load where VEC allows. */
template <int VEC>
__device__ __forceinline__ void accumulate(const float* p, float w, float* acc) {
  if (VEC == 4) {
    const float4 q = *reinterpret_cast<const float4*>(p);
    acc[0] += w * q.x; acc[1] += w * q.y; acc[2] += w * q.z; acc[3] += w * q.w;
  } else if (VEC == 2) {
    const float2 q = *reinterpret_cast<const float2*>(p);
    acc[0] += w * q.x; acc[1] += w * q.y;
  } else {
#pragma unroll
    for (int j = 0; j < VEC; ++j) acc[j] += w * p[j];
  }
}

template <int VEC>
__device__ __forceinline__ void accumulate(const __half* p, float w, float* acc) {
  if (VEC == 8) {
    const uint4 q = *reinterpret_cast<const uint4*>(p);
    const __half2* h = reinterpret_cast<const __half2*>(&q);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const float2 f = __half22float2(h[j]);
      acc[2 * j] += w * f.x;
      acc[2 * j + 1] += w * f.y;
    }
  } else if (VEC == 2) {
    const float2 f = __half22float2(*reinterpret_cast<const __half2*>(p));
    acc[0] += w * f.x; acc[1] += w * f.y;
  } else {
#pragma unroll
    for (int j = 0; j < VEC; ++j) acc[j] += w * __half2float(p[j]);
  }
}

template <int VEC>
__device__ __forceinline__ void storeVec(float* p, const float* acc) {
  if (VEC == 4) *reinterpret_cast<float4*>(p) = make_float4(acc[0], acc[1], acc[2], acc[3]);
  else if (VEC == 2) *reinterpret_cast<float2*>(p) = make_float2(acc[0], acc[1]);
  else
#pragma unroll
    for (int j = 0; j < VEC; ++j) p[j] = acc[j];
}

template <int VEC>
__device__ __forceinline__ void storeVec(__half* p, const float* acc) {
  if (VEC == 8) {
    uint4 q;
    __half2* h = reinterpret_cast<__half2*>(&q);
#pragma unroll
    for (int j = 0; j < 4; ++j) h[j] = __floats2half2_rn(acc[2 * j], acc[2 * j + 1]);
    *reinterpret_cast<uint4*>(p) = q;
  } else if (VEC == 2) {
    *reinterpret_cast<__half2*>(p) = __floats2half2_rn(acc[0], acc[1]);
  } else {
#pragma unroll
    for (int j = 0; j < VEC; ++j) p[j] = __float2half_rn(acc[j]);
  }
}

/** Geometry shared by both kernels, in the form the location formula needs. */
struct DcnGeom {
  int H, W, C, D, G, P, outH, outW, kH, kW, sH, sW, dilH, dilW, rc;
  int baseX, baseY;  // wo·sW + baseX = wo·sW − padW + aW
  int aW, aH;
  float scale;
};

__host__ DcnGeom geometryOf(const DcnArgs& d) {
  DcnGeom g;
  g.H = d.inH; g.W = d.inW; g.D = d.groupChannels; g.G = d.group; g.C = d.group * d.groupChannels; g.P = d.points;
  g.outH = d.outH; g.outW = d.outW; g.kH = d.kernelH; g.kW = d.kernelW; g.sH = d.strideH; g.sW = d.strideW;
  g.dilH = d.dilationH; g.dilW = d.dilationW; g.rc = d.removeCenter;
  g.aH = (d.dilationH * (d.kernelH - 1)) / 2;
  g.aW = (d.dilationW * (d.kernelW - 1)) / 2;
  g.baseX = -d.padW + g.aW;
  g.baseY = -d.padH + g.aH;
  g.scale = d.offsetScale;
  return g;
}

/**
 * Bilinear sample of VEC channels at (y, x) with zero padding, weighted by m, added to acc.
 * `image` points at channel 0 of this item's group and channel block in pixel (0, 0) of its image.
 */
template <typename T, int VEC>
__device__ __forceinline__ void sample(const T* image, const DcnGeom& g, float y, float x, float m, float* acc) {
  if (!(y > -1.0f && x > -1.0f && y < (float)g.H && x < (float)g.W)) return;
  const float fy = floorf(y), fx = floorf(x);
  const int y0 = (int)fy, x0 = (int)fx;
  const float ly = y - fy, lx = x - fx, hy = 1.0f - ly, hx = 1.0f - lx;
  const int64_t rowStride = (int64_t)g.W * g.C;
  if (y0 >= 0) {
    if (x0 >= 0) accumulate<VEC>(image + y0 * rowStride + (int64_t)x0 * g.C, m * hy * hx, acc);
    if (x0 + 1 < g.W) accumulate<VEC>(image + y0 * rowStride + (int64_t)(x0 + 1) * g.C, m * hy * lx, acc);
  }
  if (y0 + 1 < g.H) {
    if (x0 >= 0) accumulate<VEC>(image + (y0 + 1) * rowStride + (int64_t)x0 * g.C, m * ly * hx, acc);
    if (x0 + 1 < g.W) accumulate<VEC>(image + (y0 + 1) * rowStride + (int64_t)(x0 + 1) * g.C, m * ly * lx, acc);
  }
}

template <typename T, int VEC>
__global__ void dcnVecKernel(const T* __restrict__ value, const T* __restrict__ offset, const T* __restrict__ mask,
                             T* __restrict__ out, DcnGeom g, int64_t items, int threadsPerItem, int itemsPerBlock) {
  extern __shared__ float smem[];
  float* sOff = smem;                                  // itemsPerBlock · 2P
  float* sMask = smem + (int64_t)itemsPerBlock * 2 * g.P;  // itemsPerBlock · P
  const int P = g.P;
  const int local = threadIdx.x / threadsPerItem, lane = threadIdx.x % threadsPerItem;
  const int vecs = g.D / VEC;
  for (int64_t first = (int64_t)blockIdx.x * itemsPerBlock; first < items; first += (int64_t)gridDim.x * itemsPerBlock) {
    const int count = (int)min((int64_t)itemsPerBlock, items - first);
    for (int e = threadIdx.x; e < count * 2 * P; e += blockDim.x) sOff[e] = toFloat(offset[first * 2 * P + e]);
    for (int e = threadIdx.x; e < count * P; e += blockDim.x) sMask[e] = toFloat(mask[first * P + e]);
    __syncthreads();
    if (local < count) {
      int64_t t = first + local;
      const int grp = t % g.G; t /= g.G;
      const int wo = t % g.outW; t /= g.outW;
      const int ho = t % g.outH;
      const int64_t n = t / g.outH;
      const float* off = sOff + local * 2 * P;
      const float* msk = sMask + local * P;
      const float px = (float)(wo * g.sW + g.baseX), py = (float)(ho * g.sH + g.baseY);
      for (int v = lane; v < vecs; v += threadsPerItem) {
        const T* image = value + n * g.H * g.W * g.C + grp * g.D + v * VEC;
        float acc[VEC];
#pragma unroll
        for (int j = 0; j < VEC; ++j) acc[j] = 0.0f;
        int p = 0;
        for (int i = 0; i < g.kW; ++i) {
          for (int j = 0; j < g.kH; ++j) {
            if (g.rc && i == g.kW / 2 && j == g.kH / 2) continue;
            const float x = px + ((float)(i * g.dilW - g.aW) + off[2 * p]) * g.scale;
            const float y = py + ((float)(j * g.dilH - g.aH) + off[2 * p + 1]) * g.scale;
            sample<T, VEC>(image, g, y, x, msk[p], acc);
            ++p;
          }
        }
        storeVec<VEC>(out + (first + local) * g.D + v * VEC, acc);
      }
    }
    __syncthreads();
  }
}

template <typename T>
__global__ void dcnSimpleKernel(const T* __restrict__ value, const T* __restrict__ offset, const T* __restrict__ mask,
                                T* __restrict__ out, DcnGeom g, int64_t n) {
  II_GRID_STRIDE(i, n) {
    int64_t t = i;
    const int c = t % g.D; t /= g.D;
    const int grp = t % g.G; t /= g.G;
    const int wo = t % g.outW; t /= g.outW;
    const int ho = t % g.outH;
    const int64_t b = t / g.outH;
    const int64_t k0 = (((b * g.outH + ho) * g.outW + wo) * g.G + grp) * g.P;
    const T* image = value + b * g.H * g.W * g.C + grp * g.D + c;
    float acc = 0.0f;
    int p = 0;
    for (int ci = 0; ci < g.kW; ++ci) {
      for (int cj = 0; cj < g.kH; ++cj) {
        if (g.rc && ci == g.kW / 2 && cj == g.kH / 2) continue;
        const int64_t k = k0 + p++;
        const float x = (float)(wo * g.sW + g.baseX) + ((float)(ci * g.dilW - g.aW) + toFloat(offset[2 * k])) * g.scale;
        const float y = (float)(ho * g.sH + g.baseY) + ((float)(cj * g.dilH - g.aH) + toFloat(offset[2 * k + 1])) * g.scale;
        sample<T, 1>(image, g, y, x, toFloat(mask[k]), &acc);
      }
    }
    fromFloat(acc, out + i);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fast kernel (auto, item, pair, quad), for 3×3 kernels. One item (n, ho, wo, g) is handled by `tpi` threads (1, 2
// or 4 requested; more when D is large), each owning NV 16-byte chunks (float4 / 8 halves) of the item's channels, so
// the location, bilinear weights and corner addresses of a point are computed once per thread and reused for all of
// its chunks. All index math is 32-bit (the host checks that it fits). Corners are loaded with predicated __ldg from
// clamped, always-valid addresses (no branch per corner; a skipped corner contributes an exact 0, as in the
// reference). Each thread reads its item's offsets/mask straight from global memory with 8/4-byte vector loads, all
// 9 points issued before the first corner load. No grid-stride loop: one block per ipb items, no __syncthreads.
// An H200 sweep (bench:cuda-dcn, 2026-11-27) over 21 forms (shared-memory staging of offsets/mask, half2 point sums,
// register caps, input tiles in shared memory) found four threads an item fastest in float32 and one thread an item
// in float16 at every InternImage-T stage shape; the others were removed.

struct FastGeom {
  int H, W, C, D, G, P, outH, outW, sH, sW, dilH, dilW, rc;
  int baseX, baseY, aW, aH;
  float scale;
  int items;
};

template <typename T> struct Chunk;
template <> struct Chunk<float> { static constexpr int N = 4; };
template <> struct Chunk<__half> { static constexpr int N = 8; };

__device__ __forceinline__ uint4 ldg16(const void* p) { return __ldg(reinterpret_cast<const uint4*>(p)); }

/** acc[0..N) += w · chunk q (N = 4 floats or 8 halves). */
__device__ __forceinline__ void fmaChunk(float* acc, float w, const uint4& q, const float*) {
  acc[0] = fmaf(w, __uint_as_float(q.x), acc[0]);
  acc[1] = fmaf(w, __uint_as_float(q.y), acc[1]);
  acc[2] = fmaf(w, __uint_as_float(q.z), acc[2]);
  acc[3] = fmaf(w, __uint_as_float(q.w), acc[3]);
}
__device__ __forceinline__ __half2 u32AsHalf2(unsigned u) {
  __half2 h;
  *reinterpret_cast<unsigned*>(&h) = u;
  return h;
}
__device__ __forceinline__ void fmaChunk(float* acc, float w, const uint4& q, const __half*) {
  const unsigned u[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const float2 f = __half22float2(u32AsHalf2(u[k]));
    acc[2 * k] = fmaf(w, f.x, acc[2 * k]);
    acc[2 * k + 1] = fmaf(w, f.y, acc[2 * k + 1]);
  }
}

__device__ __forceinline__ void storeChunk(float* p, const float* acc) {
  *reinterpret_cast<float4*>(p) = make_float4(acc[0], acc[1], acc[2], acc[3]);
}
__device__ __forceinline__ void storeChunk(__half* p, const float* acc) {
  uint4 q;
  __half2 h[4];
#pragma unroll
  for (int k = 0; k < 4; ++k) h[k] = __floats2half2_rn(acc[2 * k], acc[2 * k + 1]);
  q.x = *reinterpret_cast<unsigned*>(&h[0]); q.y = *reinterpret_cast<unsigned*>(&h[1]);
  q.z = *reinterpret_cast<unsigned*>(&h[2]); q.w = *reinterpret_cast<unsigned*>(&h[3]);
  *reinterpret_cast<uint4*>(p) = q;
}

/** Offset pair (Δx, Δy) and mask of point p of one item, from global memory. */
__device__ __forceinline__ void loadPoint(const float* off, const float* msk, int p, float& dx, float& dy, float& m) {
  const float2 d = __ldg(reinterpret_cast<const float2*>(off) + p);
  dx = d.x; dy = d.y; m = __ldg(msk + p);
}
__device__ __forceinline__ void loadPoint(const __half* off, const __half* msk, int p, float& dx, float& dy, float& m) {
  const float2 d = __half22float2(__ldg(reinterpret_cast<const __half2*>(off) + p));
  dx = d.x; dy = d.y; m = __half2float(__ldg(msk + p));
}

template <typename T, int NV>
__global__ void __launch_bounds__(256) dcnFastKernel(const T* __restrict__ value, const T* __restrict__ offset,
                                                     const T* __restrict__ mask, T* __restrict__ out, FastGeom g,
                                                     int tpi, int ipb) {
  constexpr int E = Chunk<T>::N;
  constexpr int CPT = NV * E;
  const int P = g.P;
  const int local = threadIdx.x / tpi;
  const int lane = threadIdx.x - local * tpi;
  const int item = blockIdx.x * ipb + local;
  if (item >= g.items) return;
  int t = item;
  const int grp = t % g.G; t /= g.G;
  const int wo = t % g.outW; t /= g.outW;
  const int ho = t % g.outH;
  const int n = t / g.outH;
  const T* img = value + n * (g.H * g.W * g.C) + grp * g.D + lane * CPT;
  const T* gOff = offset + item * 2 * P;
  const T* gMask = mask + item * P;
  const int rowStride = g.W * g.C;
  const float px = (float)(wo * g.sW + g.baseX), py = (float)(ho * g.sH + g.baseY);
  // All of the item's offset/mask loads up front: one round trip instead of one per point.
  float pdx[9], pdy[9], pm[9];
#pragma unroll
  for (int idx = 0; idx < 9; ++idx) {
    pdx[idx] = pdy[idx] = pm[idx] = 0.0f;
    if (idx == 4 && g.rc) continue;
    loadPoint(gOff, gMask, idx > 4 ? idx - g.rc : idx, pdx[idx], pdy[idx], pm[idx]);
  }
  float acc[CPT];
#pragma unroll
  for (int k = 0; k < CPT; ++k) acc[k] = 0.0f;
#pragma unroll
  for (int idx = 0; idx < 9; ++idx) {
    if (idx == 4 && g.rc) continue;
    const int i = idx / 3, j = idx % 3;  // column (outer) and row (inner) kernel index
    const float dx = pdx[idx], dy = pdy[idx], m = pm[idx];
    float x = px + ((float)(i * g.dilW - g.aW) + dx) * g.scale;
    float y = py + ((float)(j * g.dilH - g.aH) + dy) * g.scale;
    const bool ok = y > -1.0f && x > -1.0f && y < (float)g.H && x < (float)g.W;
    if (!ok) { x = 0.0f; y = 0.0f; }
    const float fy = floorf(y), fx = floorf(x);
    const int y0 = (int)fy, x0 = (int)fx;
    const float ly = y - fy, lx = x - fx, hy = 1.0f - ly, hx = 1.0f - lx;
    const bool vy0 = ok && y0 >= 0, vy1 = ok && y0 + 1 < g.H, vx0 = x0 >= 0, vx1 = x0 + 1 < g.W;
    const int r0 = max(y0, 0) * rowStride, r1 = min(y0 + 1, g.H - 1) * rowStride;
    const int c0 = max(x0, 0) * g.C, c1 = min(x0 + 1, g.W - 1) * g.C;
    const float w00 = m * hy * hx, w01 = m * hy * lx, w10 = m * ly * hx, w11 = m * ly * lx;
    uint4 q[4][NV];
#pragma unroll
    for (int v = 0; v < NV; ++v) {
      q[0][v] = q[1][v] = q[2][v] = q[3][v] = make_uint4(0u, 0u, 0u, 0u);
      if (vy0 && vx0) q[0][v] = ldg16(img + r0 + c0 + v * E);
      if (vy0 && vx1) q[1][v] = ldg16(img + r0 + c1 + v * E);
      if (vy1 && vx0) q[2][v] = ldg16(img + r1 + c0 + v * E);
      if (vy1 && vx1) q[3][v] = ldg16(img + r1 + c1 + v * E);
    }
#pragma unroll
    for (int v = 0; v < NV; ++v) {
      fmaChunk(acc + v * E, w00, q[0][v], (const T*)nullptr);
      fmaChunk(acc + v * E, w01, q[1][v], (const T*)nullptr);
      fmaChunk(acc + v * E, w10, q[2][v], (const T*)nullptr);
      fmaChunk(acc + v * E, w11, q[3][v], (const T*)nullptr);
    }
  }
  T* o = out + item * g.D + lane * CPT;
#pragma unroll
  for (int v = 0; v < NV; ++v) storeChunk(o + v * E, acc + v * E);
}

/** Threads per item asked for by a fast variant (1 item, 2 pair, 4 quad); auto picks per precision. */
static int threadsPerItemFor(int variant, bool half) {
  switch (variant) {
    case kDcnAuto: return half ? 1 : 4;  // fastest on an H200 at all four InternImage-T stage shapes (bench:cuda-dcn)
    case kDcnItem: return 1;
    case kDcnPair: return 2;
    case kDcnQuad: return 4;
    default: return 0;
  }
}

template <typename T, int NV>
static void launchFastNV(const DcnArgs& d, const FastGeom& fg, int tpi, int ipb, int blocks, cudaStream_t s) {
  dcnFastKernel<T, NV><<<blocks, ipb * tpi, 0, s>>>((const T*)d.value, (const T*)d.offset, (const T*)d.mask,
                                                     (T*)d.out, fg, tpi, ipb);
}

static bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

/** Launches the fast kernel for `d.variant` if its preconditions hold; false (nothing launched) otherwise. */
template <typename T>
static bool launchFast(const DcnArgs& d, const DcnGeom& g, cudaStream_t s) {
  constexpr int kBlock = 256;
  int tpi = threadsPerItemFor(d.variant, sizeof(T) == 2);
  if (tpi == 0) return false;
  const int rc = d.removeCenter ? 1 : 0;
  if (d.kernelH != 3 || d.kernelW != 3 || d.points != 9 - rc) return false;
  if (!aligned16(d.value) || !aligned16(d.offset) || !aligned16(d.mask) || !aligned16(d.out)) return false;
  const int64_t items = (int64_t)d.batch * d.outH * d.outW * d.group;
  const int64_t limit = 0x7fffffffLL;
  if ((int64_t)d.batch * d.inH * d.inW * g.C >= limit || items * g.D >= limit || items * 2 * g.P >= limit) return false;
  FastGeom fg;
  fg.H = g.H; fg.W = g.W; fg.C = g.C; fg.D = g.D; fg.G = g.G; fg.P = g.P; fg.outH = g.outH; fg.outW = g.outW;
  fg.sH = g.sH; fg.sW = g.sW; fg.dilH = g.dilH; fg.dilW = g.dilW; fg.rc = rc;
  fg.baseX = g.baseX; fg.baseY = g.baseY; fg.aW = g.aW; fg.aH = g.aH; fg.scale = g.scale; fg.items = (int)items;
  // Threads per item: as asked, doubled while a thread would own more than 64 bytes (4 chunks).
  while (g.D % tpi == 0 && (g.D / tpi) * (int)sizeof(T) > 64) tpi *= 2;
  if (g.D % tpi != 0 || tpi > kBlock) return false;
  const int bytes = (g.D / tpi) * (int)sizeof(T);
  if (bytes % 16 != 0) return false;
  const int nv = bytes / 16;
  if (nv != 1 && nv != 2 && nv != 4) return false;
  const int ipb = kBlock / tpi;
  const int blocks = (int)((items + ipb - 1) / ipb);
  if (nv == 1) launchFastNV<T, 1>(d, fg, tpi, ipb, blocks, s);
  else if (nv == 2) launchFastNV<T, 2>(d, fg, tpi, ipb, blocks, s);
  else launchFastNV<T, 4>(d, fg, tpi, ipb, blocks, s);
  return true;
}

template <typename T, int VEC>
static void launchVec(const DcnArgs& d, const DcnGeom& g, cudaStream_t s) {
  const int64_t items = (int64_t)d.batch * d.outH * d.outW * d.group;
  const int vecs = g.D / VEC;
  const int threadsPerItem = vecs < kThreads ? vecs : kThreads;
  int itemsPerBlock = kThreads / threadsPerItem;
  const int maxItemsForSmem = 32768 / (3 * g.P * (int)sizeof(float));
  if (itemsPerBlock > maxItemsForSmem) itemsPerBlock = maxItemsForSmem > 0 ? maxItemsForSmem : 1;
  const size_t smem = (size_t)itemsPerBlock * 3 * g.P * sizeof(float);
  const int64_t blocks = (items + itemsPerBlock - 1) / itemsPerBlock;
  const unsigned grid = (unsigned)(blocks < 65535LL * 32 ? blocks : 65535LL * 32);
  dcnVecKernel<T, VEC><<<grid, itemsPerBlock * threadsPerItem, smem, s>>>(
      (const T*)d.value, (const T*)d.offset, (const T*)d.mask, (T*)d.out, g, items, threadsPerItem, itemsPerBlock);
}

cudaError_t dcnv3(const DcnArgs& d, cudaStream_t s) {
  const DcnGeom g = geometryOf(d);
  const int64_t n = (int64_t)d.batch * d.outH * d.outW * g.C;
  if (n == 0) return cudaSuccess;
  if (d.variant == kDcnSimple) {
    if (d.half) dcnSimpleKernel<__half><<<gridFor(n), kThreads, 0, s>>>((const __half*)d.value, (const __half*)d.offset, (const __half*)d.mask, (__half*)d.out, g, n);
    else dcnSimpleKernel<float><<<gridFor(n), kThreads, 0, s>>>((const float*)d.value, (const float*)d.offset, (const float*)d.mask, (float*)d.out, g, n);
  } else if (d.half ? launchFast<__half>(d, g, s) : launchFast<float>(d, g, s)) {
    // the fast kernel ran; otherwise (kDcnVec, preconditions unmet) the vectorised kernel below runs
  } else if (d.half) {
    if (g.D % 8 == 0) launchVec<__half, 8>(d, g, s);
    else if (g.D % 2 == 0) launchVec<__half, 2>(d, g, s);
    else launchVec<__half, 1>(d, g, s);
  } else {
    if (g.D % 4 == 0) launchVec<float, 4>(d, g, s);
    else if (g.D % 2 == 0) launchVec<float, 2>(d, g, s);
    else launchVec<float, 1>(d, g, s);
  }
  return cudaGetLastError();
}

}  // namespace ii
