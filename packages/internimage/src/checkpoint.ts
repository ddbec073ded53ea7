// Opens a weights file — a PyTorch .pth (torch.save zip) or a .safetensors — and maps its tensors to the canonical
// (official classification) state_dict names: unwraps {'model': ...}, {'state_dict': ...} or 'model_ema', strips
// 'module.', 'backbone.' and 'model.' prefixes, and undoes the Hugging Face export's renames.
import type { Tensor } from '@internimage/core';
import {
  FormatError, PyDict, SafetensorsFile, TensorRef, TorchCheckpoint, fromTypedArray, openBytes, readSafetensors,
} from '@internimage/core';
import type { BytesInput, FetchOptions, StorageDType } from '@internimage/core';
import type { TensorSource } from './weights.js';

export interface OpenOptions {
  /** Take the EMA weights ('model_ema') instead of 'model' (default false; an error when the file has none). */
  ema?: boolean;
}

export interface WeightsFile extends TensorSource {
  readonly format: 'pth' | 'safetensors';
  /** Where in the file the state_dict was found ('model', 'state_dict', 'model_ema', 'module' or '' for the root). */
  readonly stateDictKey: string;
  /** What was renamed or skipped on the way to canonical names. */
  readonly notes: string[];
  /** String metadata (safetensors `__metadata__`; empty for .pth). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Stored dtype of a tensor (before conversion to float32/int32). */
  storageDTypeOf(name: string): string;
  /** The tensor's stored bytes (contiguous, little-endian), for conversion and bit-exact checks. */
  rawBytes(name: string): { dtype: StorageDType; shape: number[]; bytes: Uint8Array };
  close(): void;
}

const PREFIXES = ['module.', 'backbone.', 'model.'];
const HF_RENAMES: Array<[RegExp, string]> = [[/\.layer_scale([12])$/, '.gamma$1']];

/** Canonical name: prefixes stripped (repeatedly, e.g. 'module.backbone.'), HF renames undone. */
export function canonicalName(name: string): string {
  let n = name;
  for (let changed = true; changed;) {
    changed = false;
    for (const p of PREFIXES) {
      if (n.startsWith(p)) {
        n = n.slice(p.length);
        changed = true;
      }
    }
  }
  for (const [re, to] of HF_RENAMES) n = n.replace(re, to);
  return n;
}

/**
 * Opens weights from a file path (Node), a URL (fetched with progress, kept in a page's cache), a Blob/File or bytes,
 * recognising the format by its content. `onProgress` reports the download of a URL.
 */
export async function openWeightsFile(input: BytesInput, options: OpenOptions & FetchOptions = {}): Promise<WeightsFile> {
  const src = await openBytes(input, options);
  const zip = src.size >= 4 && (([a, b, c, d]) => a === 0x50 && b === 0x4b && c === 0x03 && d === 0x04)(src.read(0, 4));
  if (zip) return openPth(TorchCheckpoint.fromRandomAccess(src), options);
  try {
    return openSafetensors(readSafetensors(src.read(0, src.size)), options);
  } finally {
    src.close();
  }
}

function canonicalMap<T>(names: Iterable<[string, T]>, notes: string[]): Map<string, T> {
  const out = new Map<string, T>();
  let renamed = 0;
  for (const [original, value] of names) {
    const name = canonicalName(original);
    if (name !== original) renamed++;
    if (out.has(name)) throw new FormatError('weights', `two tensors map to the canonical name '${name}'`);
    out.set(name, value);
  }
  if (renamed) notes.push(`${renamed} names mapped to canonical ones (prefixes module./backbone./model. stripped, layer_scale → gamma)`);
  return out;
}

export function openPth(ckpt: TorchCheckpoint, options: OpenOptions = {}): WeightsFile {
  const notes: string[] = [];
  const root = ckpt.root;
  if (!(root instanceof PyDict)) {
    ckpt.close();
    throw new FormatError('pth', `the checkpoint holds a ${root === null ? 'None' : typeof root}, not a dict`);
  }
  const keys = [...root.map.keys()].map(String);
  let stateDictKey: string;
  if (options.ema) {
    if (!root.map.has('model_ema')) {
      ckpt.close();
      throw new FormatError('pth', `no 'model_ema' in this checkpoint (top-level keys: ${keys.join(', ')})`);
    }
    stateDictKey = 'model_ema';
  } else {
    stateDictKey = ['state_dict', 'model', 'module'].find((k) => root.map.get(k) instanceof PyDict) ?? '';
  }
  const dict = stateDictKey ? (root.map.get(stateDictKey) as PyDict) : root;
  if (stateDictKey && keys.length > 1) notes.push(`state_dict taken from '${stateDictKey}' (top-level keys: ${keys.join(', ')})`);
  if (!options.ema && root.map.has('model_ema')) notes.push("the file also holds EMA weights ('model_ema'): pass ema to use them");
  const tensors: Array<[string, TensorRef]> = [];
  let skipped = 0;
  for (const [k, v] of dict.map) {
    if (v instanceof TensorRef) tensors.push([String(k), v]);
    else skipped++;
  }
  if (skipped) notes.push(`${skipped} non-tensor entries of the state_dict ignored`);
  const refs = canonicalMap(tensors, notes);
  const ref = (name: string) => refs.get(name) ?? (() => { throw new FormatError('pth', `no tensor named '${name}'`); })();
  return {
    format: 'pth', stateDictKey, notes, metadata: {},
    names: () => [...refs.keys()],
    shapeOf: (name) => ref(name).shape,
    storageDTypeOf: (name) => ref(name).storageDType,
    tensor: (name): Tensor => {
      const { dtype, shape, data } = ckpt.read(ref(name));
      return fromTypedArray(data, shape, dtype);
    },
    rawBytes: (name) => ckpt.readRaw(ref(name)),
    close: () => ckpt.close(),
  };
}

export function openSafetensors(file: SafetensorsFile, options: OpenOptions = {}): WeightsFile {
  if (options.ema) throw new FormatError('safetensors', 'a safetensors file holds one state_dict; ema does not apply');
  const notes: string[] = [];
  const names = canonicalMap(file.names().map((n): [string, string] => [n, n]), notes);
  const original = (name: string) => names.get(name) ?? file.entry(name).name;
  return {
    format: 'safetensors', stateDictKey: '', notes, metadata: file.metadata,
    names: () => [...names.keys()],
    shapeOf: (name) => file.entry(original(name)).shape,
    storageDTypeOf: (name) => file.entry(original(name)).storageDType,
    tensor: (name) => file.tensor(original(name)),
    rawBytes: (name) => {
      const e = file.entry(original(name));
      return { dtype: e.storageDType, shape: [...e.shape], bytes: file.rawBytes(original(name)) };
    },
    close: () => {},
  };
}
