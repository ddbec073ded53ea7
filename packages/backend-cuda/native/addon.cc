// Thin N-API surface over the CUDA runtime and the kernels of kernels/cuda (api.h): device probe, a stream-ordered
// memory pool (cudaMallocAsync/cudaFreeAsync), uploads, asynchronous downloads (Promise), events, and one launch
// entry per kernel family. Everything runs on one stream; only downloads and synchronize() wait for it.
// Errors are thrown as JS Errors whose message is the reason only; the TypeScript side prefixes the op's name.
// Graph capture: between captureBegin() and captureEnd() the stream records instead of running (CUDA stream capture);
// allocations made then belong to the graph, host copies and waits are refused.
#include <napi.h>
#include <cuda_runtime_api.h>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>
#include "api.h"

namespace {

cudaStream_t gStream = nullptr;
bool gReady = false;
bool gCapturing = false;
std::unordered_set<void*> gCaptured;  // allocated during the capture in progress, not yet freed
std::vector<void*> gDeferredFrees;    // allocated before the capture, freed during it: freed once it ends

/** Throws the CUDA error as a JS exception, clearing it first when it is not sticky. */
void check(Napi::Env env, cudaError_t e, const std::string& what = "") {
  if (e == cudaSuccess) return;
  cudaGetLastError();
  std::string msg = what.empty() ? cudaGetErrorString(e) : what + ": " + cudaGetErrorString(e);
  throw Napi::Error::New(env, msg);
}

void requireReady(Napi::Env env) {
  if (!gReady) throw Napi::Error::New(env, "device not initialised (call init() first)");
}

void* ptrOf(const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(v.As<Napi::Number>().DoubleValue()));
}

Napi::Number ptrValue(Napi::Env env, void* p) {
  const uintptr_t u = reinterpret_cast<uintptr_t>(p);
  if (u >= (uintptr_t(1) << 53)) throw Napi::Error::New(env, "device pointer does not fit a JS number");
  return Napi::Number::New(env, static_cast<double>(u));
}

int64_t i64(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }
int i32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }

int64_t field(const Napi::Object& o, const char* k) { return i64(o.Get(k)); }
void* pfield(const Napi::Object& o, const char* k) { return ptrOf(o.Get(k)); }

void fillAxes(Napi::Env env, const Napi::Value& v, int rank, int64_t* out, const char* what) {
  Napi::Array a = v.As<Napi::Array>();
  if (static_cast<int>(a.Length()) != rank) throw Napi::Error::New(env, std::string(what) + ": length differs from the shape's");
  for (int d = 0; d < rank; ++d) out[d] = i64(a.Get(d));
}

ii::Walk walkOf(Napi::Env env, const Napi::Value& shape, const Napi::Value& a, const Napi::Value& b) {
  ii::Walk w{};
  Napi::Array s = shape.As<Napi::Array>();
  w.rank = static_cast<int>(s.Length());
  if (w.rank > ii::kMaxRank) throw Napi::Error::New(env, "rank above 8 is not supported");
  for (int d = 0; d < w.rank; ++d) w.shape[d] = i64(s.Get(d));
  fillAxes(env, a, w.rank, w.a, "strides");
  if (b.IsUndefined()) for (int d = 0; d < w.rank; ++d) w.b[d] = 0;
  else fillAxes(env, b, w.rank, w.b, "strides");
  return w;
}

void launched(Napi::Env env, cudaError_t e) { check(env, e, "launch failed"); }

void refuseWhileCapturing(Napi::Env env, const char* what) {
  if (gCapturing) throw Napi::Error::New(env, std::string(what) + " is not allowed while a CUDA graph is being captured");
}

// ---- device ----------------------------------------------------------------------------------------------------

/** {ok: true, count} or {ok: false, reason}: never throws, so the loader can report why CUDA is unavailable. */
Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object r = Napi::Object::New(env);
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    r.Set("ok", false);
    r.Set("reason", cudaGetErrorString(e));
    return r;
  }
  if (count == 0) {
    r.Set("ok", false);
    r.Set("reason", "no CUDA device");
    return r;
  }
  cudaDeviceProp p;
  e = cudaGetDeviceProperties(&p, 0);
  if (e != cudaSuccess) {
    cudaGetLastError();
    r.Set("ok", false);
    r.Set("reason", std::string("cudaGetDeviceProperties: ") + cudaGetErrorString(e));
    return r;
  }
  if (p.major < 8) {
    r.Set("ok", false);
    r.Set("reason", std::string("device 0 (") + p.name + ") has compute capability " + std::to_string(p.major) + "." +
                        std::to_string(p.minor) + "; the addon is built for 8.0 and newer");
    return r;
  }
  r.Set("ok", true);
  r.Set("count", count);
  return r;
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!gReady) {
    check(env, cudaSetDevice(0), "cudaSetDevice");
    check(env, cudaStreamCreateWithFlags(&gStream, cudaStreamNonBlocking), "cudaStreamCreate");
    cudaMemPool_t pool;
    check(env, cudaDeviceGetDefaultMemPool(&pool, 0), "cudaDeviceGetDefaultMemPool");
    uint64_t keep = UINT64_MAX;  // freed blocks stay in the pool: per-op allocation is then cheap
    check(env, cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep), "cudaMemPoolSetAttribute");
    check(env, ii::prepareKernels(), "prepareKernels");
    gReady = true;
  }
  cudaDeviceProp p;
  check(env, cudaGetDeviceProperties(&p, 0), "cudaGetDeviceProperties");
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  Napi::Object r = Napi::Object::New(env);
  r.Set("name", p.name);
  r.Set("computeCapability", std::to_string(p.major) + "." + std::to_string(p.minor));
  r.Set("totalMemory", static_cast<double>(p.totalGlobalMem));
  r.Set("multiprocessors", p.multiProcessorCount);
  r.Set("runtimeVersion", runtime);
  r.Set("driverVersion", driver);
  return r;
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  const size_t size = static_cast<size_t>(bytes < 1 ? 1 : bytes);
  void* p = nullptr;
  cudaError_t e = cudaMallocAsync(&p, size, gStream);
  if (e == cudaErrorMemoryAllocation && !gCapturing) {
    // Blocks cached by the pool may be what is missing: wait for pending frees, return the cache, try once more.
    cudaGetLastError();
    cudaMemPool_t pool;
    if (cudaStreamSynchronize(gStream) == cudaSuccess && cudaDeviceGetDefaultMemPool(&pool, 0) == cudaSuccess &&
        cudaMemPoolTrimTo(pool, 0) == cudaSuccess) {
      e = cudaMallocAsync(&p, size, gStream);
    }
  }
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    throw Napi::Error::New(env, "out of memory allocating " + std::to_string(static_cast<uint64_t>(bytes)) + " bytes");
  }
  check(env, e, "cudaMallocAsync");
  if (gCapturing) gCaptured.insert(p);
  return ptrValue(env, p);
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  void* p = ptrOf(info[0]);
  if (gCapturing) {
    // Freeing a block the graph did not allocate would be replayed on every launch: free it after the capture.
    if (gCaptured.erase(p) == 0) {
      gDeferredFrees.push_back(p);
    } else if (cudaFreeAsync(p, gStream) != cudaSuccess) {
      cudaGetLastError();  // the capture is broken then, and captureEnd() reports why
    }
    return env.Undefined();
  }
  check(env, cudaFreeAsync(p, gStream), "cudaFreeAsync");
  return env.Undefined();
}

/** upload(ptr, view): copies the bytes of an ArrayBufferView; the caller may reuse the view on return. */
Napi::Value Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "upload");
  Napi::TypedArray view = info[1].As<Napi::TypedArray>();
  const size_t bytes = view.ByteLength();
  if (bytes == 0) return env.Undefined();
  const uint8_t* src = static_cast<const uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
  // From pageable memory the call returns once the source has been staged, so the view is free to change.
  check(env, cudaMemcpyAsync(ptrOf(info[0]), src, bytes, cudaMemcpyHostToDevice, gStream), "cudaMemcpyAsync");
  return env.Undefined();
}

/** Pinned staging buffers for downloads, reused across calls. */
struct Pinned {
  void* p;
  size_t bytes;
};
std::mutex gPinnedMutex;
std::vector<Pinned> gPinned;

Pinned takePinned(Napi::Env env, size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(gPinnedMutex);
    for (size_t i = 0; i < gPinned.size(); ++i) {
      if (gPinned[i].bytes >= bytes) {
        Pinned b = gPinned[i];
        gPinned.erase(gPinned.begin() + i);
        return b;
      }
    }
  }
  size_t size = 1 << 16;
  while (size < bytes) size <<= 1;
  void* p = nullptr;
  check(env, cudaMallocHost(&p, size), "cudaMallocHost");
  return {p, size};
}

void givePinned(Pinned b) {
  std::lock_guard<std::mutex> lock(gPinnedMutex);
  gPinned.push_back(b);
}

class DownloadWorker : public Napi::AsyncWorker {
 public:
  DownloadWorker(Napi::Env env, Pinned buf, size_t bytes, cudaEvent_t done)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), buf_(buf), bytes_(bytes), done_(done) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    cudaError_t e = cudaEventSynchronize(done_);
    if (e != cudaSuccess) {
      cudaGetLastError();
      SetError(std::string("download: ") + cudaGetErrorString(e));
    }
  }
  void OnOK() override {
    Napi::ArrayBuffer out = Napi::ArrayBuffer::New(Env(), bytes_);
    std::memcpy(out.Data(), buf_.p, bytes_);
    release();
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override {
    release();
    deferred_.Reject(e.Value());
  }

 private:
  void release() {
    cudaEventDestroy(done_);
    givePinned(buf_);
  }
  Napi::Promise::Deferred deferred_;
  Pinned buf_;
  size_t bytes_;
  cudaEvent_t done_;
};

/** download(ptr, bytes) → Promise<ArrayBuffer>, resolved when the stream reaches the copy. */
Napi::Value Download(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "download");
  const size_t bytes = static_cast<size_t>(i64(info[1]));
  if (bytes == 0) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(Napi::ArrayBuffer::New(env, 0));
    return d.Promise();
  }
  Pinned buf = takePinned(env, bytes);
  cudaEvent_t done;
  cudaError_t e = cudaMemcpyAsync(buf.p, ptrOf(info[0]), bytes, cudaMemcpyDeviceToHost, gStream);
  if (e == cudaSuccess) e = cudaEventCreateWithFlags(&done, cudaEventDisableTiming);
  if (e == cudaSuccess) {
    e = cudaEventRecord(done, gStream);
    if (e != cudaSuccess) cudaEventDestroy(done);
  }
  if (e != cudaSuccess) {
    givePinned(buf);
    check(env, e, "download");
  }
  auto* w = new DownloadWorker(env, buf, bytes, done);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value DownloadSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "download");
  const size_t bytes = static_cast<size_t>(i64(info[1]));
  Napi::ArrayBuffer out = Napi::ArrayBuffer::New(env, bytes);
  if (bytes == 0) return out;
  check(env, cudaMemcpyAsync(out.Data(), ptrOf(info[0]), bytes, cudaMemcpyDeviceToHost, gStream), "download");
  check(env, cudaStreamSynchronize(gStream), "download");
  return out;
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "synchronize");
  check(env, cudaStreamSynchronize(gStream), "cudaStreamSynchronize");
  return env.Undefined();
}

/** {used, reserved} bytes of the stream-ordered pool, and the device's free/total memory. */
Napi::Value MemoryInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  cudaMemPool_t pool;
  check(env, cudaDeviceGetDefaultMemPool(&pool, 0), "cudaDeviceGetDefaultMemPool");
  uint64_t used = 0, reserved = 0;
  check(env, cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used), "cudaMemPoolGetAttribute");
  check(env, cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved), "cudaMemPoolGetAttribute");
  size_t freeB = 0, totalB = 0;
  check(env, cudaMemGetInfo(&freeB, &totalB), "cudaMemGetInfo");
  Napi::Object r = Napi::Object::New(env);
  r.Set("poolUsed", static_cast<double>(used));
  r.Set("poolReserved", static_cast<double>(reserved));
  r.Set("deviceFree", static_cast<double>(freeB));
  r.Set("deviceTotal", static_cast<double>(totalB));
  return r;
}

Napi::Value TrimPool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "trimPool");
  check(env, cudaStreamSynchronize(gStream), "cudaStreamSynchronize");
  cudaMemPool_t pool;
  check(env, cudaDeviceGetDefaultMemPool(&pool, 0), "cudaDeviceGetDefaultMemPool");
  check(env, cudaMemPoolTrimTo(pool, 0), "cudaMemPoolTrimTo");
  return env.Undefined();
}

// ---- events (timing) -----------------------------------------------------------------------------------------

Napi::Value EventCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  cudaEvent_t e;
  check(env, cudaEventCreate(&e), "cudaEventCreate");
  return ptrValue(env, e);
}

Napi::Value EventRecord(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check(env, cudaEventRecord(static_cast<cudaEvent_t>(ptrOf(info[0])), gStream), "cudaEventRecord");
  return env.Undefined();
}

/** Milliseconds between two recorded events; waits for the second. */
Napi::Value EventElapsed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  refuseWhileCapturing(env, "eventElapsed");
  auto b = static_cast<cudaEvent_t>(ptrOf(info[1]));
  check(env, cudaEventSynchronize(b), "cudaEventSynchronize");
  float ms = 0;
  check(env, cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(ptrOf(info[0])), b), "cudaEventElapsedTime");
  return Napi::Number::New(env, ms);
}

Napi::Value EventDestroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  check(env, cudaEventDestroy(static_cast<cudaEvent_t>(ptrOf(info[0]))), "cudaEventDestroy");
  return env.Undefined();
}

// ---- graphs ----------------------------------------------------------------------------------------------------

/** Leaves capture mode: frees what was freed during the capture but allocated before it. */
void finishCapture() {
  gCapturing = false;
  gCaptured.clear();
  for (void* p : gDeferredFrees) cudaFreeAsync(p, gStream);
  gDeferredFrees.clear();
  cudaGetLastError();
}

Napi::Value CaptureBegin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "captureBegin");
  check(env, cudaStreamBeginCapture(gStream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
  gCapturing = true;
  return env.Undefined();
}

/** Ends the capture and returns the instantiated graph's handle; everything allocated during it must be freed. */
Napi::Value CaptureEnd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  if (!gCapturing) throw Napi::Error::New(env, "captureEnd without captureBegin");
  const size_t live = gCaptured.size();
  cudaGraph_t graph = nullptr;
  cudaError_t e = cudaStreamEndCapture(gStream, &graph);
  finishCapture();
  if (e == cudaSuccess && live > 0) {
    cudaGraphDestroy(graph);
    throw Napi::Error::New(env, std::to_string(live) + " device buffers allocated during the capture were not freed in it");
  }
  check(env, e, "cudaStreamEndCapture");
  cudaGraphExec_t exec = nullptr;
  e = cudaGraphInstantiateWithFlags(&exec, graph, 0);
  cudaGraphDestroy(graph);
  check(env, e, "cudaGraphInstantiate");
  return ptrValue(env, exec);
}

/** Ends a capture that failed part-way, discarding what was recorded; a no-op when none is in progress. */
Napi::Value CaptureAbort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!gCapturing) return env.Undefined();
  cudaGraph_t graph = nullptr;
  if (cudaStreamEndCapture(gStream, &graph) == cudaSuccess && graph) cudaGraphDestroy(graph);
  finishCapture();
  return env.Undefined();
}

Napi::Value GraphLaunch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  refuseWhileCapturing(env, "graphLaunch");
  check(env, cudaGraphLaunch(static_cast<cudaGraphExec_t>(ptrOf(info[0])), gStream), "cudaGraphLaunch");
  return env.Undefined();
}

Napi::Value GraphDestroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  refuseWhileCapturing(env, "graphDestroy");
  check(env, cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(ptrOf(info[0]))), "cudaGraphExecDestroy");
  return env.Undefined();
}

// ---- kernels ---------------------------------------------------------------------------------------------------

Napi::Value Fill32(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::fill32(ptrOf(info[0]), static_cast<uint32_t>(i64(info[2])), i64(info[1]), gStream));
  return env.Undefined();
}

/** binary(op, dtype, a, b, out, shape, stridesA, stridesB) */
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  const ii::Walk w = walkOf(env, info[5], info[6], info[7]);
  launched(env, ii::binary(i32(info[0]), i32(info[1]), ptrOf(info[2]), ptrOf(info[3]), ptrOf(info[4]), w, gStream));
  return env.Undefined();
}

/** unary(op, dtype, x, out, n) */
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::unary(i32(info[0]), i32(info[1]), ptrOf(info[2]), ptrOf(info[3]), i64(info[4]), gStream));
  return env.Undefined();
}

/** cast(from, to, x, out, n) */
Napi::Value Cast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::cast(i32(info[0]), i32(info[1]), ptrOf(info[2]), ptrOf(info[3]), i64(info[4]), gStream));
  return env.Undefined();
}

/** copy(src, dst, srcOffset, dstOffset, shape, srcStrides, dstStrides): 32-bit elements. */
Napi::Value Copy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  const ii::Walk w = walkOf(env, info[4], info[5], info[6]);
  launched(env, ii::stridedCopy(ptrOf(info[0]), ptrOf(info[1]), i64(info[2]), i64(info[3]), w, gStream));
  return env.Undefined();
}

/** reduce(op, dtype, x, out, keptShape, keptStrides, reducedShape, reducedStrides, count) */
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  const ii::Walk kept = walkOf(env, info[4], info[5], Napi::Value());
  const ii::Walk red = walkOf(env, info[6], info[7], Napi::Value());
  launched(env, ii::reduce(i32(info[0]), i32(info[1]), ptrOf(info[2]), ptrOf(info[3]), kept, red, i64(info[8]), gStream));
  return env.Undefined();
}

/** argMax(dtype, x, out, outer, length, inner) */
Napi::Value ArgMax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::argMax(i32(info[0]), ptrOf(info[1]), static_cast<int32_t*>(ptrOf(info[2])), i64(info[3]),
                           i64(info[4]), i64(info[5]), gStream));
  return env.Undefined();
}

/** softmax(x, out, outer, length, inner) */
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::softmax(static_cast<const float*>(ptrOf(info[0])), static_cast<float*>(ptrOf(info[1])), i64(info[2]),
                            i64(info[3]), i64(info[4]), gStream));
  return env.Undefined();
}

/** layerNorm(x, weight|0, bias|0, out, rows, cols, eps) */
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::layerNorm(static_cast<const float*>(ptrOf(info[0])), static_cast<const float*>(ptrOf(info[1])),
                              static_cast<const float*>(ptrOf(info[2])), static_cast<float*>(ptrOf(info[3])), i64(info[4]),
                              i64(info[5]), static_cast<float>(info[6].As<Napi::Number>().DoubleValue()), gStream));
  return env.Undefined();
}

/** batchNorm(x, mean, var, weight|0, bias|0, out, outer, channels, inner, eps) */
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::batchNorm(static_cast<const float*>(ptrOf(info[0])), static_cast<const float*>(ptrOf(info[1])),
                              static_cast<const float*>(ptrOf(info[2])), static_cast<const float*>(ptrOf(info[3])),
                              static_cast<const float*>(ptrOf(info[4])), static_cast<float*>(ptrOf(info[5])), i64(info[6]),
                              i64(info[7]), i64(info[8]), static_cast<float>(info[9].As<Napi::Number>().DoubleValue()),
                              gStream));
  return env.Undefined();
}

/** gemm({M, N, K, A, sAm, sAk, B, sBk, sBn, C, cRows, sCb, sCm, sCn, bias, epilogue, batchShape, batchA, batchB,
 *  batches, sCbatch, mode}) */
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  Napi::Object o = info[0].As<Napi::Object>();
  ii::GemmArgs g{};
  g.M = field(o, "M"); g.N = field(o, "N"); g.K = field(o, "K");
  g.A = static_cast<const float*>(pfield(o, "A")); g.sAm = field(o, "sAm"); g.sAk = field(o, "sAk");
  g.B = static_cast<const float*>(pfield(o, "B")); g.sBk = field(o, "sBk"); g.sBn = field(o, "sBn");
  g.C = static_cast<float*>(pfield(o, "C"));
  g.cRows = field(o, "cRows"); g.sCb = field(o, "sCb"); g.sCm = field(o, "sCm"); g.sCn = field(o, "sCn");
  g.bias = static_cast<const float*>(pfield(o, "bias"));
  g.epilogue = static_cast<int>(field(o, "epilogue"));
  g.batchWalk = walkOf(env, o.Get("batchShape"), o.Get("batchA"), o.Get("batchB"));
  g.batches = field(o, "batches"); g.sCbatch = field(o, "sCbatch");
  g.mode = static_cast<int>(field(o, "mode"));
  if (g.cRows < 1) throw Napi::Error::New(env, "cRows must be at least 1");
  launched(env, ii::gemm(g, gStream));
  return env.Undefined();
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  Napi::Object o = info[0].As<Napi::Object>();
  ii::ConvArgs c{};
  c.x = static_cast<const float*>(pfield(o, "x")); c.w = static_cast<const float*>(pfield(o, "w"));
  c.bias = static_cast<const float*>(pfield(o, "bias")); c.out = static_cast<float*>(pfield(o, "out"));
  const char* ints[] = {"batch", "inC", "inH", "inW", "outC", "outH", "outW", "kH", "kW", "strideH", "strideW",
                        "padTop", "padLeft", "dilH", "dilW", "groups"};
  int* dst[] = {&c.batch, &c.inC, &c.inH, &c.inW, &c.outC, &c.outH, &c.outW, &c.kH, &c.kW, &c.strideH, &c.strideW,
                &c.padTop, &c.padLeft, &c.dilH, &c.dilW, &c.groups};
  for (int i = 0; i < 16; ++i) *dst[i] = static_cast<int>(field(o, ints[i]));
  c.xsN = field(o, "xsN"); c.xsC = field(o, "xsC"); c.xsH = field(o, "xsH"); c.xsW = field(o, "xsW");
  c.osN = field(o, "osN"); c.osC = field(o, "osC"); c.osH = field(o, "osH"); c.osW = field(o, "osW");
  c.variant = static_cast<int>(field(o, "variant"));
  c.gemmMode = static_cast<int>(field(o, "gemmMode"));
  launched(env, ii::conv2d(c, gStream));
  return env.Undefined();
}

Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  Napi::Object o = info[0].As<Napi::Object>();
  ii::PoolArgs p{};
  p.x = static_cast<const float*>(pfield(o, "x")); p.out = static_cast<float*>(pfield(o, "out"));
  const char* ints[] = {"batch", "channels", "inH", "inW", "outH", "outW", "kH", "kW", "strideH", "strideW", "padTop",
                        "padLeft", "countIncludePad"};
  int* dst[] = {&p.batch, &p.channels, &p.inH, &p.inW, &p.outH, &p.outW, &p.kH, &p.kW, &p.strideH, &p.strideW,
                &p.padTop, &p.padLeft, &p.countIncludePad};
  for (int i = 0; i < 13; ++i) *dst[i] = static_cast<int>(field(o, ints[i]));
  p.xsN = field(o, "xsN"); p.xsC = field(o, "xsC"); p.xsH = field(o, "xsH"); p.xsW = field(o, "xsW");
  p.osN = field(o, "osN"); p.osC = field(o, "osC"); p.osH = field(o, "osH"); p.osW = field(o, "osW");
  launched(env, ii::avgPool2d(p, gStream));
  return env.Undefined();
}

/** Reads a resampling launch ({x, out, sizes, alignCorners, scaleH, scaleW, strides}) for either resampling op. */
ii::ResampleArgs resampleArgs(const Napi::Object& o) {
  ii::ResampleArgs p{};
  p.x = static_cast<const float*>(pfield(o, "x")); p.out = static_cast<float*>(pfield(o, "out"));
  const char* ints[] = {"batch", "channels", "inH", "inW", "outH", "outW", "alignCorners"};
  int* dst[] = {&p.batch, &p.channels, &p.inH, &p.inW, &p.outH, &p.outW, &p.alignCorners};
  for (int i = 0; i < 7; ++i) *dst[i] = static_cast<int>(field(o, ints[i]));
  p.scaleH = static_cast<float>(o.Get("scaleH").As<Napi::Number>().DoubleValue());
  p.scaleW = static_cast<float>(o.Get("scaleW").As<Napi::Number>().DoubleValue());
  p.xsN = field(o, "xsN"); p.xsC = field(o, "xsC"); p.xsH = field(o, "xsH"); p.xsW = field(o, "xsW");
  p.osN = field(o, "osN"); p.osC = field(o, "osC"); p.osH = field(o, "osH"); p.osW = field(o, "osW");
  return p;
}

Napi::Value ResizeBilinear(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::resizeBilinear(resampleArgs(info[0].As<Napi::Object>()), gStream));
  return env.Undefined();
}

Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  launched(env, ii::adaptiveAvgPool2d(resampleArgs(info[0].As<Napi::Object>()), gStream));
  return env.Undefined();
}

Napi::Value Dcnv3(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireReady(env);
  Napi::Object o = info[0].As<Napi::Object>();
  ii::DcnArgs d{};
  d.value = pfield(o, "value"); d.offset = pfield(o, "offset"); d.mask = pfield(o, "mask"); d.out = pfield(o, "out");
  const char* ints[] = {"batch", "inH", "inW", "outH", "outW", "kH", "kW", "strideH", "strideW", "padH", "padW",
                        "dilH", "dilW", "group", "groupChannels", "points", "removeCenter", "half", "variant"};
  int* dst[] = {&d.batch, &d.inH, &d.inW, &d.outH, &d.outW, &d.kH, &d.kW, &d.strideH, &d.strideW, &d.padH, &d.padW,
                &d.dilH, &d.dilW, &d.group, &d.groupChannels, &d.points, &d.removeCenter, &d.half, &d.variant};
  for (int i = 0; i < 19; ++i) *dst[i] = static_cast<int>(field(o, ints[i]));
  d.offsetScale = static_cast<float>(o.Get("offsetScale").As<Napi::Number>().DoubleValue());
  launched(env, ii::dcnv3(d, gStream));
  return env.Undefined();
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  auto def = [&](const char* name, Napi::Function::Callback fn) { exports.Set(name, Napi::Function::New(env, fn, name)); };
  def("probe", Probe);
  def("init", Init);
  def("alloc", Alloc);
  def("free", Free);
  def("upload", Upload);
  def("download", Download);
  def("downloadSync", DownloadSync);
  def("synchronize", Synchronize);
  def("memoryInfo", MemoryInfo);
  def("trimPool", TrimPool);
  def("eventCreate", EventCreate);
  def("eventRecord", EventRecord);
  def("eventElapsed", EventElapsed);
  def("eventDestroy", EventDestroy);
  def("captureBegin", CaptureBegin);
  def("captureEnd", CaptureEnd);
  def("captureAbort", CaptureAbort);
  def("graphLaunch", GraphLaunch);
  def("graphDestroy", GraphDestroy);
  def("fill32", Fill32);
  def("binary", Binary);
  def("unary", Unary);
  def("cast", Cast);
  def("copy", Copy);
  def("reduce", Reduce);
  def("argMax", ArgMax);
  def("softmax", Softmax);
  def("layerNorm", LayerNorm);
  def("batchNorm", BatchNorm);
  def("gemm", Gemm);
  def("conv2d", Conv2d);
  def("avgPool2d", AvgPool2d);
  def("resizeBilinear", ResizeBilinear);
  def("adaptiveAvgPool2d", AdaptiveAvgPool2d);
  def("dcnv3", Dcnv3);
  return exports;
}

}  // namespace

NODE_API_MODULE(internimage_cuda, Module)
