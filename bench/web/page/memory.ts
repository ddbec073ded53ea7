// What a page's engine holds: every WebAssembly memory created in the page (constructed in JavaScript, as threaded
// builds do, or defined and exported by a module) and the peak of the JavaScript heap. A WebAssembly memory never
// shrinks, so its size is its peak. Installed before any engine code is imported.
const memories = new Set<WebAssembly.Memory>();
const NativeMemory = WebAssembly.Memory;

function recordExports(instance: WebAssembly.Instance): void {
  for (const value of Object.values(instance.exports)) if (value instanceof NativeMemory) memories.add(value);
}

WebAssembly.Memory = new Proxy(NativeMemory, {
  construct(target, args: [WebAssembly.MemoryDescriptor]) {
    const memory = Reflect.construct(target, args) as WebAssembly.Memory;
    memories.add(memory);
    return memory;
  },
});
WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
  construct(target, args: [WebAssembly.Module, WebAssembly.Imports?]) {
    const instance = Reflect.construct(target, args) as WebAssembly.Instance;
    recordExports(instance);
    return instance;
  },
});
const nativeInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = (async (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
  const result = await nativeInstantiate(source as BufferSource, imports);
  recordExports('instance' in result ? result.instance : (result as unknown as WebAssembly.Instance));
  return result;
}) as typeof WebAssembly.instantiate;
const nativeStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async (source, imports) => {
  const result = await nativeStreaming(source, imports);
  recordExports(result.instance);
  return result;
};

let jsHeapPeak = 0;

/** Call after each pass: the JavaScript heap is sampled there (Chromium's performance.memory). */
export function sampleJsHeap(): void {
  const heap = (performance as { memory?: { usedJSHeapSize: number } }).memory;
  jsHeapPeak = Math.max(jsHeapPeak, heap?.usedJSHeapSize ?? 0);
}

export function pageMemory(): { wasmBytes: number; jsHeapPeakBytes: number } {
  sampleJsHeap();
  let wasmBytes = 0;
  for (const m of memories) wasmBytes += m.buffer.byteLength;
  return { wasmBytes, jsHeapPeakBytes: jsHeapPeak };
}
