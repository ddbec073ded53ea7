// The backend's one WebAssembly memory: every tensor of the wasm backend, every packed weight and every kernel's
// scratch lives here, and every generated module (on every thread) imports it, so kernels take their operands where
// they are. Shared memory: growing it keeps existing views valid, and worker threads see the same bytes.
const PAGE = 65536;
/** Allocations are rounded up to this (a cache line; v128 loads are then aligned as well). */
const ALIGN = 64;
const MAX_PAGES = 65536;

export class WasmHeap {
  readonly memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  /**
   * Free blocks by size. A forward pass asks for the same sizes again, so a block of the exact size is taken first;
   * failing that the smallest larger one is split, and only then does `top` move (so that varied workloads reuse
   * what earlier ones left instead of growing the memory).
   */
  private readonly free = new Map<number, number[]>();
  /** Bytes below `top` have been handed out at some point; the first ALIGN bytes never are (0 is no address). */
  private top = ALIGN;
  private inUse = 0;
  /** Every buffer object the memory has had (growing it gives `memory.buffer` a new one; old views keep theirs). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  /** Byte offset of a new block of at least `bytes` (contents undefined). */
  alloc(bytes: number): number {
    const size = blockSize(bytes);
    const reused = this.free.get(size)?.pop() ?? this.split(size);
    this.inUse += size;
    if (reused !== undefined) return reused;
    const at = this.top;
    const end = at + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        this.inUse -= size;
        throw new RangeError(
          `wasm backend: out of WebAssembly memory (${bytes} bytes asked for, ${this.inUse} in use, limit 4 GiB); ` +
          'use smaller batches or inputs');
      }
      // Grow by at least a quarter, so a growing workload does not grow page by page.
      this.memory.grow(Math.min(MAX_PAGES - have / PAGE, Math.max(pages, Math.ceil(have / PAGE / 4))));
    }
    this.top = end;
    return at;
  }

  /** Returns a block from alloc(bytes) (the same `bytes`). */
  release(at: number, bytes: number): void {
    const size = blockSize(bytes);
    this.inUse -= size;
    if (at + size === this.top) this.top = at;
    else this.addFree(at, size);
  }

  /** The first `size` bytes of the smallest free block larger than `size` (the rest stays free), if any. */
  private split(size: number): number | undefined {
    let best: number | undefined;
    for (const [s, list] of this.free) if (s > size && list.length > 0 && (best === undefined || s < best)) best = s;
    if (best === undefined) return undefined;
    const at = this.free.get(best)!.pop()!;
    this.addFree(at + size, best - size);
    return at;
  }

  private addFree(at: number, size: number): void {
    const list = this.free.get(size);
    if (list) list.push(at);
    else this.free.set(size, [at]);
  }

  floats(at: number, length: number): Float32Array {
    return new Float32Array(this.buffer(), at, length);
  }

  ints(at: number, length: number): Int32Array {
    return new Int32Array(this.buffer(), at, length);
  }

  /** Whether `view` lies in this memory. */
  holds(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer);
  }

  private buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b;
  }

  /** Bytes handed out and not released, and the memory's size. */
  stats(): { inUse: number; reserved: number } {
    return { inUse: this.inUse, reserved: this.memory.buffer.byteLength };
  }
}

const blockSize = (bytes: number) => Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);

let theHeap: WasmHeap | undefined;

export function heap(): WasmHeap {
  return (theHeap ??= new WasmHeap());
}

/** The byte offset of a view into the heap (every buffer of the wasm backend is one). */
export function addressOf(view: Float32Array | Int32Array): number {
  if (!heap().holds(view)) throw new Error('wasm backend: a buffer outside the WebAssembly heap');
  return view.byteOffset;
}

// An owned block returns to the heap when its owner object is collected (packed weights: when their weight buffer is).
const owned = new FinalizationRegistry<{ at: number; bytes: number }>(({ at, bytes }) => heap().release(at, bytes));

/** A block of `length` floats owned by the returned object (for as long as it is reachable). */
export function ownedFloats(length: number): { data: Float32Array } {
  const bytes = length * 4;
  const at = heap().alloc(bytes);
  const holder = { data: heap().floats(at, length) };
  owned.register(holder, { at, bytes });
  return holder;
}

/** A scratch block for the duration of `fn` (released afterwards, also when `fn` throws). */
export function withScratch<R>(bytes: number, fn: (at: number) => R): R {
  const h = heap();
  const at = h.alloc(bytes);
  try {
    return fn(at);
  } finally {
    h.release(at, bytes);
  }
}

/**
 * `fn` with the heap address of `values`: their own when they are in the heap, else of a scratch copy (padded with
 * zeros to `length` floats when longer; the copy is released afterwards).
 */
export function withAddress<R>(values: Float32Array, fn: (at: number) => R, length = values.length): R {
  if (heap().holds(values) && length === values.length) return fn(values.byteOffset);
  return withScratch(length * 4, (at) => {
    const copy = heap().floats(at, length);
    copy.set(values);
    copy.fill(0, values.length);
    return fn(at);
  });
}
