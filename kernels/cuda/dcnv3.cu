// DCNv3 core operator, NHWC (internimage-spec.md §2.3), float32 or float16 storage with float math.
//
// Vectorised kernel: one "item" is one (n, ho, wo, g); a thread owns VEC consecutive channels of an item
// (float4 / 8 halves per load). A block takes a contiguous run of items, stages their offsets and mask in shared
// memory with coalesced loads (every channel thread of an item reuses them), and each item decodes its own
// (n, ho, wo, g), so a block may span images and the result does not depend on the batch or shape.
// Simple kernel (variant 1): one thread per output scalar, the spec's loop written out.
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
