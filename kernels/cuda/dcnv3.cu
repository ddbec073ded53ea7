// DCNv3 core operator, NHWC (internimage-spec.md §2.3), float32 or float16 storage with float math.
//
// Vectorised kernel: one "item" is one (n, ho, wo, g); a thread owns VEC consecutive channels of an item
// (float4 / 8 halves per load). A block takes a contiguous run of items, stages their offsets and mask in shared
// memory with coalesced loads (every channel thread of an item reuses them), and each item decodes its own
// (n, ho, wo, g), so a block may span images and the result does not depend on the batch or shape.
// Simple kernel (variant 1): one thread per output scalar, the spec's loop written out.
// Fast candidates (variants 2..20, see "Fast candidates" below and INTERNIMAGE_CUDA_DCN in
// packages/backend-cuda/src/settings.ts): 3×3 kernels only; any variant whose preconditions do not hold (kernel size,
// channel alignment, 32-bit indexing, 16-byte aligned buffers) runs the vectorised kernel instead.
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
  g.outH = d.outH; g.outW = d.outW; g.kH = d.kH; g.kW = d.kW; g.sH = d.strideH; g.sW = d.strideW;
  g.dilH = d.dilH; g.dilW = d.dilW; g.rc = d.removeCenter;
  g.aH = (d.dilH * (d.kH - 1)) / 2;
  g.aW = (d.dilW * (d.kW - 1)) / 2;
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
// Fast candidates (variants 2..13; tile variants 14..20 below), for 3×3 kernels. One item (n, ho, wo, g) is
// handled by `tpi` threads (1, 2 or 4 requested; more when D is large), each owning NV 16-byte chunks (float4 /
// 8 halves) of the item's channels, so the location, bilinear weights and corner addresses of a point are computed
// once per thread and reused for all of its chunks. All index math is 32-bit (the host checks that it fits).
// Corners are loaded with predicated __ldg from clamped, always-valid addresses (no branch per corner; a skipped
// corner contributes an exact 0, as in the reference). Offsets/mask are read by each thread straight from global
// memory with 8/4-byte vector loads, all 9 points issued before the first corner load (MODE 0), or staged for the
// whole block into shared memory as floats with 16-byte loads (MODE 1). MODE 2 (half only) forms each point's
// 4-corner sum with __hfma2 in half2 and adds it to float accumulators.
// No grid-stride loop: one block per ipb items, at most one __syncthreads.

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

/** 16 bytes of T at src → N floats at dst (shared memory, 16-byte aligned). */
__device__ __forceinline__ void stageChunk(float* dst, const float* src) {
  *reinterpret_cast<uint4*>(dst) = ldg16(src);
}
__device__ __forceinline__ void stageChunk(float* dst, const __half* src) {
  const uint4 q = ldg16(src);
  const float2 a = __half22float2(u32AsHalf2(q.x)), b = __half22float2(u32AsHalf2(q.y));
  const float2 c = __half22float2(u32AsHalf2(q.z)), e = __half22float2(u32AsHalf2(q.w));
  reinterpret_cast<float4*>(dst)[0] = make_float4(a.x, a.y, b.x, b.y);
  reinterpret_cast<float4*>(dst)[1] = make_float4(c.x, c.y, e.x, e.y);
}

/** Block-cooperative copy of n elements (src 16-byte aligned) into shared floats, 16 bytes per load. */
template <typename T>
__device__ __forceinline__ void stageToFloat(float* dst, const T* src, int n) {
  constexpr int E = Chunk<T>::N;
  const int nv = n / E;
  for (int e = threadIdx.x; e < nv; e += blockDim.x) stageChunk(dst + e * E, src + e * E);
  for (int e = nv * E + threadIdx.x; e < n; e += blockDim.x) dst[e] = toFloat(src[e]);
}

/**
 * acc[0..N) += w00·q00 + w01·q01 + w10·q10 + w11·q11 for one 16-byte chunk of each corner. H2 (half only): the
 * 4-corner sum is formed in half2 with __hfma2 and then added to the float accumulators.
 */
template <typename T, bool H2>
__device__ __forceinline__ void accumulateCorners(float* acc, const uint4& q00, const uint4& q01, const uint4& q10,
                                                  const uint4& q11, float w00, float w01, float w10, float w11) {
  if constexpr (H2) {
    const __half2 h00 = __float2half2_rn(w00), h01 = __float2half2_rn(w01);
    const __half2 h10 = __float2half2_rn(w10), h11 = __float2half2_rn(w11);
    const unsigned a[4] = {q00.x, q00.y, q00.z, q00.w}, b[4] = {q01.x, q01.y, q01.z, q01.w};
    const unsigned c[4] = {q10.x, q10.y, q10.z, q10.w}, e[4] = {q11.x, q11.y, q11.z, q11.w};
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      __half2 s = __hmul2(h00, u32AsHalf2(a[k]));
      s = __hfma2(h01, u32AsHalf2(b[k]), s);
      s = __hfma2(h10, u32AsHalf2(c[k]), s);
      s = __hfma2(h11, u32AsHalf2(e[k]), s);
      const float2 f = __half22float2(s);
      acc[2 * k] += f.x;
      acc[2 * k + 1] += f.y;
    }
  } else {
    fmaChunk(acc, w00, q00, (const T*)nullptr);
    fmaChunk(acc, w01, q01, (const T*)nullptr);
    fmaChunk(acc, w10, q10, (const T*)nullptr);
    fmaChunk(acc, w11, q11, (const T*)nullptr);
  }
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

// MINB 0 means no minimum (the compiler's own register heuristic).
template <typename T, int NV, int MODE, int MINB>
__global__ void __launch_bounds__(256, MINB) dcnFastKernel(const T* __restrict__ value, const T* __restrict__ offset,
                                                      const T* __restrict__ mask, T* __restrict__ out, FastGeom g,
                                                      int tpi, int ipb) {
  constexpr int E = Chunk<T>::N;
  constexpr int CPT = NV * E;
  const int P = g.P;
  const int local = threadIdx.x / tpi;
  const int lane = threadIdx.x - local * tpi;
  const int first = blockIdx.x * ipb;
  const int item = first + local;
  extern __shared__ uint4 smemFast[];
  const float* sOff = reinterpret_cast<const float*>(smemFast) + local * 2 * P;
  const float* sMask = reinterpret_cast<const float*>(smemFast) + ipb * 2 * P + local * P;
  if constexpr (MODE == 1) {
    float* base = reinterpret_cast<float*>(smemFast);
    const int count = min(ipb, g.items - first);
    stageToFloat<T>(base, offset + first * 2 * P, count * 2 * P);
    stageToFloat<T>(base + ipb * 2 * P, mask + first * P, count * P);
    __syncthreads();
  }
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
  // Direct modes issue all of the item's offset/mask loads up front: one round trip instead of one per point.
  float pdx[9], pdy[9], pm[9];
  if constexpr (MODE != 1) {
#pragma unroll
    for (int idx = 0; idx < 9; ++idx) {
      pdx[idx] = pdy[idx] = pm[idx] = 0.0f;
      if (idx == 4 && g.rc) continue;
      loadPoint(gOff, gMask, idx > 4 ? idx - g.rc : idx, pdx[idx], pdy[idx], pm[idx]);
    }
  }
  float acc[CPT];
#pragma unroll
  for (int k = 0; k < CPT; ++k) acc[k] = 0.0f;
#pragma unroll
  for (int idx = 0; idx < 9; ++idx) {
    if (idx == 4 && g.rc) continue;
    const int i = idx / 3, j = idx % 3;  // column (outer) and row (inner) kernel index
    float dx, dy, m;
    if constexpr (MODE == 1) {
      const int p = idx > 4 ? idx - g.rc : idx;
      dx = sOff[2 * p]; dy = sOff[2 * p + 1]; m = sMask[p];
    } else {
      dx = pdx[idx]; dy = pdy[idx]; m = pm[idx];
    }
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
    for (int v = 0; v < NV; ++v)
      accumulateCorners<T, MODE == 2>(acc + v * E, q[0][v], q[1][v], q[2][v], q[3][v], w00, w01, w10, w11);
  }
  T* o = out + item * g.D + lane * CPT;
#pragma unroll
  for (int v = 0; v < NV; ++v) storeChunk(o + v * E, acc + v * E);
}


/**
 * Tile kernel (variants 14..20): one block per (n, g, band of up to `rows` output rows). The block first copies the
 * input rows the band can reach with |Δ| ≤ 1 (rows iy0..iy1, all columns, this group's D channels) into shared
 * memory with 16-byte loads, then each item (tpi threads, one 16-byte chunk each) gathers its corners from shared
 * memory, or from global memory for a corner on a row outside the copy (larger offsets: correct, only slower).
 * Shared-memory gathers cost fewer L1 wavefronts than global gathers of 32/64-byte pieces at scattered pixels.
 */
template <typename T, bool H2, int MINB, bool SOFF>
__global__ void __launch_bounds__(256, MINB) dcnTileKernel(const T* __restrict__ value, const T* __restrict__ offset,
                                                     const T* __restrict__ mask, T* __restrict__ out, FastGeom g,
                                                     int tpi, int rows, int bands, int rowLo, int rowHi,
                                                     int soffAt) {
  constexpr int E = Chunk<T>::N;
  extern __shared__ uint4 smemTile[];
  T* tile = reinterpret_cast<T*>(smemTile);
  int b = blockIdx.x;
  const int band = b % bands; b /= bands;
  const int grp = b % g.G;
  const int n = b / g.G;
  const int ho0 = band * rows, hoEnd = min(g.outH, ho0 + rows);
  const int iy0 = max(0, ho0 * g.sH + rowLo), iy1 = min(g.H - 1, (hoEnd - 1) * g.sH + rowHi);  // inclusive
  const T* img = value + n * (g.H * g.W * g.C) + grp * g.D;
  const int chunks = iy1 >= iy0 ? (iy1 - iy0 + 1) * g.W * tpi : 0;
  for (int e = threadIdx.x; e < chunks; e += blockDim.x) {
    const int pix = e / tpi, part = e - pix * tpi;
    const int r = pix / g.W, c = pix - r * g.W;
    *reinterpret_cast<uint4*>(tile + pix * g.D + part * E) = ldg16(img + ((iy0 + r) * g.W + c) * g.C + part * E);
  }
  __syncthreads();
  const int local = threadIdx.x / tpi, lane = threadIdx.x - local * tpi;
  const int perPass = blockDim.x / tpi;
  const int bandItems = (hoEnd - ho0) * g.outW;
  const int P = g.P;
  const int rowStride = g.W * g.C, tileRow = g.W * g.D;
  const T* gimg = img + lane * E;
  const T* simg = tile + lane * E;
  // SOFF: each pass's offsets/mask staged as floats at byte soffAt, after the largest value copy (band items are
  // G records apart in memory, so per-thread loads of them would touch a cache line per item).
  float* sOff = reinterpret_cast<float*>(reinterpret_cast<unsigned char*>(smemTile) + soffAt);
  float* sMask = sOff + perPass * 2 * P;
  const int bandBase = (n * g.outH + ho0) * g.outW;  // pixel index of the band's first item
  for (int base = 0; base < bandItems; base += perPass) {
    if constexpr (SOFF) {
      const int cnt = min(perPass, bandItems - base);
      __syncthreads();  // the previous pass has read its offsets
      {
        const int span = 2 * P, stepR = blockDim.x / span, stepK = blockDim.x - stepR * span;
        int r = threadIdx.x / span, k = threadIdx.x - r * span;
        for (int e = threadIdx.x; e < cnt * span; e += blockDim.x) {
          sOff[e] = toFloat(offset[((bandBase + base + r) * g.G + grp) * span + k]);
          r += stepR; k += stepK;
          if (k >= span) { k -= span; ++r; }
        }
      }
      {
        const int stepR = blockDim.x / P, stepK = blockDim.x - stepR * P;
        int r = threadIdx.x / P, k = threadIdx.x - r * P;
        for (int e = threadIdx.x; e < cnt * P; e += blockDim.x) {
          sMask[e] = toFloat(mask[((bandBase + base + r) * g.G + grp) * P + k]);
          r += stepR; k += stepK;
          if (k >= P) { k -= P; ++r; }
        }
      }
      __syncthreads();
    }
    const int ip = base + local;
    if (ip >= bandItems || local >= perPass) continue;
    const int ho = ho0 + ip / g.outW, wo = ip % g.outW;
    const int item = (bandBase + ip) * g.G + grp;
    float pdx[9], pdy[9], pm[9];
#pragma unroll
    for (int idx = 0; idx < 9; ++idx) {
      pdx[idx] = pdy[idx] = pm[idx] = 0.0f;
      if (idx == 4 && g.rc) continue;
      const int p = idx > 4 ? idx - g.rc : idx;
      if constexpr (SOFF) {
        pdx[idx] = sOff[local * 2 * P + 2 * p]; pdy[idx] = sOff[local * 2 * P + 2 * p + 1]; pm[idx] = sMask[local * P + p];
      } else {
        loadPoint(offset + item * 2 * P, mask + item * P, p, pdx[idx], pdy[idx], pm[idx]);
      }
    }
    const float px = (float)(wo * g.sW + g.baseX), py = (float)(ho * g.sH + g.baseY);
    float acc[E];
#pragma unroll
    for (int k = 0; k < E; ++k) acc[k] = 0.0f;
#pragma unroll
    for (int idx = 0; idx < 9; ++idx) {
      if (idx == 4 && g.rc) continue;
      const int i = idx / 3, j = idx % 3;
      float x = px + ((float)(i * g.dilW - g.aW) + pdx[idx]) * g.scale;
      float y = py + ((float)(j * g.dilH - g.aH) + pdy[idx]) * g.scale;
      const float m = pm[idx];
      const bool ok = y > -1.0f && x > -1.0f && y < (float)g.H && x < (float)g.W;
      if (!ok) { x = 0.0f; y = 0.0f; }
      const float fy = floorf(y), fx = floorf(x);
      const int y0 = (int)fy, x0 = (int)fx;
      const float ly = y - fy, lx = x - fx, hy = 1.0f - ly, hx = 1.0f - lx;
      const bool vy0 = ok && y0 >= 0, vy1 = ok && y0 + 1 < g.H, vx0 = x0 >= 0, vx1 = x0 + 1 < g.W;
      const int ya = max(y0, 0), yb = min(y0 + 1, g.H - 1);
      const int xa = max(x0, 0), xb = min(x0 + 1, g.W - 1);
      const bool sa = ya >= iy0 && ya <= iy1, sb = yb >= iy0 && yb <= iy1;
      const float w00 = m * hy * hx, w01 = m * hy * lx, w10 = m * ly * hx, w11 = m * ly * lx;
      uint4 q00 = make_uint4(0u, 0u, 0u, 0u), q01 = q00, q10 = q00, q11 = q00;
      if (sa) {
        const T* row = simg + (ya - iy0) * tileRow;
        if (vy0 && vx0) q00 = *reinterpret_cast<const uint4*>(row + xa * g.D);
        if (vy0 && vx1) q01 = *reinterpret_cast<const uint4*>(row + xb * g.D);
      } else {
        const T* row = gimg + ya * rowStride;
        if (vy0 && vx0) q00 = ldg16(row + xa * g.C);
        if (vy0 && vx1) q01 = ldg16(row + xb * g.C);
      }
      if (sb) {
        const T* row = simg + (yb - iy0) * tileRow;
        if (vy1 && vx0) q10 = *reinterpret_cast<const uint4*>(row + xa * g.D);
        if (vy1 && vx1) q11 = *reinterpret_cast<const uint4*>(row + xb * g.D);
      } else {
        const T* row = gimg + yb * rowStride;
        if (vy1 && vx0) q10 = ldg16(row + xa * g.C);
        if (vy1 && vx1) q11 = ldg16(row + xb * g.C);
      }
      accumulateCorners<T, H2>(acc, q00, q01, q10, q11, w00, w01, w10, w11);
    }
    storeChunk(out + item * g.D + lane * E, acc);
  }
}

/**
 * Launches a tile variant (maxRows output rows a band at most; soff: stage each pass's offsets/mask in shared memory)
 * if its preconditions hold; false otherwise.
 */
template <typename T>
static bool launchTile(const DcnArgs& d, const FastGeom& fg, int maxRows, bool h2, bool occ, bool soff, cudaStream_t s) {
  const int bytesPerPixel = fg.D * (int)sizeof(T);
  if (bytesPerPixel % 16 != 0) return false;
  const int tpi = bytesPerPixel / 16;
  if (tpi != 1 && tpi != 2 && tpi != 4 && tpi != 8 && tpi != 16) return false;
  // Rows a band of one output row reaches, relative to ho·sH: every kernel row j with |Δy| ≤ 1, both corners.
  double lo = 1e30, hi = -1e30;
  for (int j = 0; j < 3; ++j)
    for (int e = -1; e <= 1; e += 2) {
      const double y = (double)(j * fg.dilH - fg.aH + e) * fg.scale;
      lo = y < lo ? y : lo;
      hi = y > hi ? y : hi;
    }
  const double span = hi - lo;
  if (!(span < 1e6)) return false;
  const int rowLo = (int)floor(lo) + fg.baseY, rowHi = (int)floor(hi) + 1 + fg.baseY;
  const size_t rowBytes = (size_t)fg.W * bytesPerPixel;
  // Offsets/mask of one pass (at most 256 / tpi items) as floats, budgeted for the largest block.
  const size_t offBytes = soff ? (size_t)(256 / tpi) * 3 * fg.P * sizeof(float) : 0;
  const size_t cap = 48 * 1024;
  if (offBytes >= cap) return false;
  int rows = maxRows < fg.outH ? maxRows : fg.outH;
  auto stagedRows = [&](int r) {
    const long long want = (long long)(r - 1) * fg.sH + (rowHi - rowLo) + 1;
    return (size_t)(want < fg.H ? want : fg.H);
  };
  while (rows > 1 && stagedRows(rows) * rowBytes + offBytes > cap) --rows;
  if (rows < 1 || stagedRows(rows) * rowBytes + offBytes > cap) return false;
  const int bands = (fg.outH + rows - 1) / rows;
  const long long blocks = (long long)d.batch * fg.G * bands;
  if (blocks >= 0x7fffffffLL) return false;
  int threads = ((rows * fg.outW * tpi + 31) / 32) * 32;
  if (threads > 256) threads = 256;
  const int soffAt = (int)(stagedRows(rows) * rowBytes);  // a multiple of 16 (bytesPerPixel is)
  const size_t smem = stagedRows(rows) * rowBytes + (soff ? (size_t)(threads / tpi) * 3 * fg.P * sizeof(float) : 0);
  const T* v = (const T*)d.value;
  const T* o = (const T*)d.offset;
  const T* m = (const T*)d.mask;
  T* out = (T*)d.out;
  const unsigned grid = (unsigned)blocks;
  if (h2) {
    if constexpr (sizeof(T) == 2) {
      if (soff) dcnTileKernel<T, true, 0, true><<<grid, threads, smem, s>>>(v, o, m, out, fg, tpi, rows, bands, rowLo, rowHi, soffAt);
      else dcnTileKernel<T, true, 0, false><<<grid, threads, smem, s>>>(v, o, m, out, fg, tpi, rows, bands, rowLo, rowHi, soffAt);
    }
  } else if (soff) {
    dcnTileKernel<T, false, 0, true><<<grid, threads, smem, s>>>(v, o, m, out, fg, tpi, rows, bands, rowLo, rowHi, soffAt);
  } else if (occ) {
    dcnTileKernel<T, false, 4, false><<<grid, threads, smem, s>>>(v, o, m, out, fg, tpi, rows, bands, rowLo, rowHi, soffAt);
  } else {
    dcnTileKernel<T, false, 0, false><<<grid, threads, smem, s>>>(v, o, m, out, fg, tpi, rows, bands, rowLo, rowHi, soffAt);
  }
  return true;
}

/**
 * What a fast variant asks for: threads per item, block size, MODE (0 direct, 1 staged, 2 half2 point sums), and
 * the register policy of the direct kernels (`minb` of __launch_bounds__(256, minb)): 0 the compiler's default,
 * 4 caps registers at 64 (full occupancy), 1 lets it take up to 255 (loads hoisted across points, few warps).
 * tileRows > 0: the tile kernel with bands of at most that many output rows (tpi and block unused; mode bit 1:
 * offsets/mask staged in shared memory per pass, bit 2: half2 point sums; minb 4: registers capped at 64).
 */
struct FastPlan { int tpi, block, mode, minb, tileRows; };

static bool fastPlanFor(int variant, FastPlan& pl) {
  switch (variant) {
    case 2: pl = {1, 128, 0, 0, 0}; return true;   // item
    case 3: pl = {1, 256, 0, 0, 0}; return true;   // item256
    case 4: pl = {1, 64, 0, 0, 0}; return true;    // item64
    case 5: pl = {1, 128, 1, 0, 0}; return true;   // item-smem
    case 6: pl = {2, 256, 0, 0, 0}; return true;   // pair
    case 7: pl = {2, 256, 1, 0, 0}; return true;   // pair-smem
    case 8: pl = {4, 256, 0, 0, 0}; return true;   // quad
    case 9: pl = {1, 128, 2, 0, 0}; return true;   // item-h2
    case 10: pl = {2, 256, 2, 0, 0}; return true;  // pair-h2
    case 11: pl = {1, 128, 0, 4, 0}; return true;  // item-occ
    case 12: pl = {1, 128, 0, 1, 0}; return true;  // item-ilp
    case 13: pl = {4, 256, 1, 0, 0}; return true;  // quad-smem
    case 14: pl = {0, 0, 0, 0, 8}; return true;    // tile
    case 15: pl = {0, 0, 0, 0, 4}; return true;    // tile4
    case 16: pl = {0, 0, 0, 0, 16}; return true;   // tile16
    case 17: pl = {0, 0, 2, 0, 8}; return true;    // tile-h2
    case 18: pl = {0, 0, 0, 4, 8}; return true;    // tile-occ
    case 19: pl = {0, 0, 1, 0, 8}; return true;    // tile-so
    case 20: pl = {0, 0, 3, 0, 8}; return true;    // tile-so-h2
    default: return false;
  }
}

template <typename T, int NV>
static void launchFastNV(const DcnArgs& d, const FastGeom& fg, const FastPlan& pl, int tpi, int ipb, int blocks,
                         cudaStream_t s) {
  const T* v = (const T*)d.value;
  const T* o = (const T*)d.offset;
  const T* m = (const T*)d.mask;
  T* out = (T*)d.out;
  const int threads = ipb * tpi;
  if (pl.mode == 1) {
    const size_t smem = (size_t)ipb * 3 * fg.P * sizeof(float);
    dcnFastKernel<T, NV, 1, 0><<<blocks, threads, smem, s>>>(v, o, m, out, fg, tpi, ipb);
  } else if (pl.mode == 2) {
    if constexpr (sizeof(T) == 2) dcnFastKernel<T, NV, 2, 0><<<blocks, threads, 0, s>>>(v, o, m, out, fg, tpi, ipb);
  } else if (pl.minb == 4) {
    dcnFastKernel<T, NV, 0, 4><<<blocks, threads, 0, s>>>(v, o, m, out, fg, tpi, ipb);
  } else if (pl.minb == 1) {
    dcnFastKernel<T, NV, 0, 1><<<blocks, threads, 0, s>>>(v, o, m, out, fg, tpi, ipb);
  } else {
    dcnFastKernel<T, NV, 0, 0><<<blocks, threads, 0, s>>>(v, o, m, out, fg, tpi, ipb);
  }
}

static bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

/** Launches fast variant `d.variant` if its preconditions hold; false (nothing launched) otherwise. */
template <typename T>
static bool launchFast(const DcnArgs& d, const DcnGeom& g, cudaStream_t s) {
  FastPlan pl;
  if (!fastPlanFor(d.variant, pl)) return false;
  const int rc = d.removeCenter ? 1 : 0;
  if (d.kH != 3 || d.kW != 3 || d.points != 9 - rc) return false;
  if (!aligned16(d.value) || !aligned16(d.offset) || !aligned16(d.mask) || !aligned16(d.out)) return false;
  const int64_t items = (int64_t)d.batch * d.outH * d.outW * d.group;
  const int64_t limit = 0x7fffffffLL;
  if ((int64_t)d.batch * d.inH * d.inW * g.C >= limit || items * g.D >= limit || items * 2 * g.P >= limit) return false;
  FastGeom fg;
  fg.H = g.H; fg.W = g.W; fg.C = g.C; fg.D = g.D; fg.G = g.G; fg.P = g.P; fg.outH = g.outH; fg.outW = g.outW;
  fg.sH = g.sH; fg.sW = g.sW; fg.dilH = g.dilH; fg.dilW = g.dilW; fg.rc = rc;
  fg.baseX = g.baseX; fg.baseY = g.baseY; fg.aW = g.aW; fg.aH = g.aH; fg.scale = g.scale; fg.items = (int)items;
  if (pl.tileRows > 0) {
    // mode bits for tiles: 1 = offsets/mask staged per pass, 2 = half2 point sums (float16 only)
    return launchTile<T>(d, fg, pl.tileRows, (pl.mode & 2) != 0 && sizeof(T) == 2, pl.minb == 4, (pl.mode & 1) != 0, s);
  }
  // Threads per item: as asked, doubled while a thread would own more than 64 bytes (4 chunks).
  int tpi = pl.tpi;
  while (g.D % tpi == 0 && (g.D / tpi) * (int)sizeof(T) > 64) tpi *= 2;
  if (g.D % tpi != 0 || tpi > pl.block) return false;
  const int bytes = (g.D / tpi) * (int)sizeof(T);
  if (bytes % 16 != 0) return false;
  const int nv = bytes / 16;
  if (nv != 1 && nv != 2 && nv != 4) return false;
  const int ipb = pl.block / tpi;
  // Staging needs every block's first offset/mask element 16-byte aligned and the buffers within 48 KiB.
  if (pl.mode == 1 && (ipb % 16 != 0 || (size_t)ipb * 3 * g.P * sizeof(float) > 48 * 1024)) pl.mode = 0;
  if (pl.mode == 2 && sizeof(T) != 2) pl.mode = 0;
  const int blocks = (int)((items + ipb - 1) / ipb);
  if (nv == 1) launchFastNV<T, 1>(d, fg, pl, tpi, ipb, blocks, s);
  else if (nv == 2) launchFastNV<T, 2>(d, fg, pl, tpi, ipb, blocks, s);
  else launchFastNV<T, 4>(d, fg, pl, tpi, ipb, blocks, s);
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
  if (d.variant == 1) {
    if (d.half) dcnSimpleKernel<__half><<<gridFor(n), kThreads, 0, s>>>((const __half*)d.value, (const __half*)d.offset, (const __half*)d.mask, (__half*)d.out, g, n);
    else dcnSimpleKernel<float><<<gridFor(n), kThreads, 0, s>>>((const float*)d.value, (const float*)d.offset, (const float*)d.mask, (float*)d.out, g, n);
  } else if (d.variant >= 2 && (d.half ? launchFast<__half>(d, g, s) : launchFast<float>(d, g, s))) {
    // a fast candidate ran; otherwise (preconditions unmet, unknown code) the vectorised kernel below runs
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
