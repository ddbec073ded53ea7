// Reductions over arbitrary axes (sum/mean in double like the reference backend, max/min propagating NaN),
// argMax along one axis, and softmax along one axis.
#include <type_traits>
#include "common.cuh"

namespace ii {

__device__ __forceinline__ double combine(int op, double acc, double v) {
  switch (op) {
    case kSum:
    case kMean: return acc + v;
    case kMax: return (acc != acc || v != v) ? __longlong_as_double(0x7ff8000000000000LL) : fmax(acc, v);
    default: return (acc != acc || v != v) ? __longlong_as_double(0x7ff8000000000000LL) : fmin(acc, v);
  }
}

__device__ __forceinline__ double initial(int op) {
  return op == kMax ? -INFINITY : op == kMin ? INFINITY : 0.0;
}

/** One group of LANES threads (a warp, or a whole block when LANES is 256) per output element. */
template <typename T, int LANES>
__global__ void reduceKernel(int op, const T* __restrict__ x, T* __restrict__ out, Walk kept, Walk red, int64_t outputs,
                             int64_t count) {
  __shared__ double partial[kThreads / 32];
  const int lane = threadIdx.x % LANES;
  const int64_t groupsPerBlock = blockDim.x / LANES;
  for (int64_t o = blockIdx.x * groupsPerBlock + threadIdx.x / LANES; o < outputs; o += (int64_t)gridDim.x * groupsPerBlock) {
    int64_t base, unused;
    walkOffsets(kept, o, base, unused);
    double acc = initial(op);
    for (int64_t r = lane; r < count; r += LANES) {
      int64_t off;
      walkOffsets(red, r, off, unused);
      acc = combine(op, acc, static_cast<double>(x[base + off]));
    }
    for (int d = 16; d > 0; d >>= 1) acc = combine(op, acc, __shfl_down_sync(0xffffffffu, acc, d));
    if (LANES > 32) {
      if (lane % 32 == 0) partial[lane / 32] = acc;
      __syncthreads();
      if (lane == 0) {
        for (int k = 1; k < LANES / 32; ++k) acc = combine(op, acc, partial[k]);
      }
      __syncthreads();
    }
    if (lane == 0) {
      if (op == kMean) acc /= static_cast<double>(count);
      if (std::is_integral<T>::value) out[o] = static_cast<T>(toInt32(acc));
      else out[o] = static_cast<T>(acc);
    }
  }
}

template <typename T>
static void launchReduce(int op, const T* x, T* out, const Walk& kept, const Walk& red, int64_t outputs, int64_t count,
                         cudaStream_t s) {
  if (count >= 4096) {
    reduceKernel<T, kThreads><<<gridFor(outputs, 1), kThreads, 0, s>>>(op, x, out, kept, red, outputs, count);
  } else {
    reduceKernel<T, 32><<<gridFor(outputs * 32), kThreads, 0, s>>>(op, x, out, kept, red, outputs, count);
  }
}

cudaError_t reduce(int op, int dtype, const void* x, void* out, const Walk& kept, const Walk& red, int64_t count,
                   cudaStream_t s) {
  int64_t outputs = 1;
  for (int d = 0; d < kept.rank; ++d) outputs *= kept.shape[d];
  if (outputs == 0) return cudaSuccess;
  if (dtype == kF32) launchReduce<float>(op, (const float*)x, (float*)out, kept, red, outputs, count, s);
  else launchReduce<int32_t>(op, (const int32_t*)x, (int32_t*)out, kept, red, outputs, count, s);
  return cudaGetLastError();
}

/** One thread per line; the first maximum wins, and the first NaN wins over everything (as the reference). */
template <typename T>
__global__ void argMaxKernel(const T* __restrict__ x, int32_t* __restrict__ out, int64_t outer, int64_t length,
                             int64_t inner) {
  II_GRID_STRIDE(line, outer * inner) {
    const int64_t o = line / inner, i = line % inner;
    const T* p = x + o * length * inner + i;
    int32_t best = 0;
    T bestV = p[0];
    for (int64_t k = 1; k < length; ++k) {
      const T v = p[k * inner];
      if (bestV == bestV && (v > bestV || v != v)) {
        best = static_cast<int32_t>(k);
        bestV = v;
      }
    }
    out[line] = best;
  }
}

cudaError_t argMax(int dtype, const void* x, int32_t* out, int64_t outer, int64_t length, int64_t inner, cudaStream_t s) {
  const int64_t n = outer * inner;
  if (n == 0) return cudaSuccess;
  if (dtype == kF32) argMaxKernel<float><<<gridFor(n), kThreads, 0, s>>>((const float*)x, out, outer, length, inner);
  else argMaxKernel<int32_t><<<gridFor(n), kThreads, 0, s>>>((const int32_t*)x, out, outer, length, inner);
  return cudaGetLastError();
}

/** One thread per line: max, exp-sum (exponentials parked in out), normalise. Lines in the model are short (P = 9). */
__global__ void softmaxLineKernel(const float* __restrict__ x, float* __restrict__ out, int64_t outer, int64_t length,
                                  int64_t inner) {
  II_GRID_STRIDE(line, outer * inner) {
    const int64_t base = (line / inner) * length * inner + line % inner;
    float m = -INFINITY;
    for (int64_t k = 0; k < length; ++k) m = fmaxf(m, x[base + k * inner]);
    float sum = 0.0f;
    for (int64_t k = 0; k < length; ++k) {
      const float e = expf(x[base + k * inner] - m);
      out[base + k * inner] = e;
      sum += e;
    }
    const float inv = 1.0f / sum;
    for (int64_t k = 0; k < length; ++k) out[base + k * inner] *= inv;
  }
}

/** One warp per contiguous line (inner == 1) for long lines. */
__global__ void softmaxWarpKernel(const float* __restrict__ x, float* __restrict__ out, int64_t lines, int64_t length) {
  const int lane = threadIdx.x % 32;
  forEachWarpRow(lines, [&](int64_t line) {
    const float* p = x + line * length;
    float* q = out + line * length;
    float m = -INFINITY;
    for (int64_t k = lane; k < length; k += 32) m = fmaxf(m, p[k]);
    for (int d = 16; d > 0; d >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, d));
    float sum = 0.0f;
    for (int64_t k = lane; k < length; k += 32) sum += expf(p[k] - m);
    for (int d = 16; d > 0; d >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, d);
    const float inv = 1.0f / sum;
    for (int64_t k = lane; k < length; k += 32) q[k] = expf(p[k] - m) * inv;
  });
}

/** One thread per contiguous line (inner == 1) of at most kShortLine values, held in registers: one read, one write. */
constexpr int kShortLine = 16;
__global__ void softmaxShortKernel(const float* __restrict__ x, float* __restrict__ out, int64_t lines, int length) {
  II_GRID_STRIDE(line, lines) {
    const float* p = x + line * length;
    float* q = out + line * length;
    float v[kShortLine];
    float m = -INFINITY;
#pragma unroll
    for (int k = 0; k < kShortLine; ++k) {
      if (k < length) {
        v[k] = p[k];
        m = fmaxf(m, v[k]);
      }
    }
    float sum = 0.0f;
#pragma unroll
    for (int k = 0; k < kShortLine; ++k) {
      if (k < length) {
        v[k] = expf(v[k] - m);
        sum += v[k];
      }
    }
    const float inv = 1.0f / sum;
#pragma unroll
    for (int k = 0; k < kShortLine; ++k) if (k < length) q[k] = v[k] * inv;
  }
}

cudaError_t softmax(const float* x, float* out, int64_t outer, int64_t length, int64_t inner, cudaStream_t s) {
  const int64_t lines = outer * inner;
  if (lines == 0 || length == 0) return cudaSuccess;
  if (inner == 1 && length >= 64) softmaxWarpKernel<<<gridFor(lines * 32), kThreads, 0, s>>>(x, out, lines, length);
  else if (inner == 1 && length <= kShortLine) softmaxShortKernel<<<gridFor(lines), kThreads, 0, s>>>(x, out, lines, (int)length);
  else softmaxLineKernel<<<gridFor(lines), kThreads, 0, s>>>(x, out, outer, length, inner);
  return cudaGetLastError();
}

}  // namespace ii
