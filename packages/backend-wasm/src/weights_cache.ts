import type { DataId } from '@internimage/core';

// Tensors are immutable, so a buffer's packed form never goes stale; entries die with their DataId. The key
// says which packing (a buffer can be a linear weight in one place and a convolution weight in another).
const cache = new WeakMap<DataId, Map<string, unknown>>();

/** The packed GEMM operand of a weight buffer, computed once per packing `key`. */
export function packedFor<T>(dataId: DataId, key: string, pack: () => T): T {
  let byKey = cache.get(dataId);
  if (!byKey) {
    byKey = new Map();
    cache.set(dataId, byKey);
  }
  if (!byKey.has(key)) byKey.set(key, pack());
  return byKey.get(key) as T;
}
