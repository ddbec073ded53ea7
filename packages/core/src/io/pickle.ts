// A Python pickle reader (protocols 0–5) that executes nothing. It builds plain JavaScript values; a global
// (class or function reference) is accepted only when the caller's allow-list names it, and "calling" it runs the
// inert TypeScript handler the allow-list gives. Anything else — os.system, builtins.eval, subprocess.Popen — is
// rejected with a ForbiddenGlobalError the moment the opcode that names it is read.
import { FormatError } from '../errors.js';

export class ForbiddenGlobalError extends FormatError {
  constructor(readonly global: string) {
    super('pickle', `global '${global}' is not allowed: this reader never executes code from a file, and only ` +
      'loads the classes and functions of tensor checkpoints');
    this.name = 'ForbiddenGlobalError';
  }
}

/** A tuple (kept distinct from lists). */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A dict (or OrderedDict, or a dict subclass) in insertion order; `state` holds what BUILD set on it. */
export class PyDict {
  readonly map = new Map<unknown, unknown>();
  state: unknown = undefined;
  constructor(readonly className = 'builtins.dict') {}
}

/** An instance of an allowed class that is not a container: its constructor arguments and BUILD state. */
export class PyObject {
  state: unknown = undefined;
  constructor(readonly className: string, readonly args: readonly unknown[]) {}
}

/** A reference to an allowed global, before it is called. */
export class PyGlobal {
  constructor(readonly qualifiedName: string, readonly handler: GlobalHandler) {}
}

export interface GlobalHandler {
  /** What calling (REDUCE) or instantiating (NEWOBJ) the global yields; absent for globals that are only markers. */
  call?: (args: readonly unknown[]) => unknown;
  /** A value that identifies the global to the caller (e.g. a storage type). */
  marker?: unknown;
}

export interface UnpickleOptions {
  /** Allowed globals by qualified name ('module.name'). */
  globals: ReadonlyMap<string, GlobalHandler>;
  /** Resolves persistent ids (PyTorch's storages); without it PERSID opcodes are errors. */
  persistentLoad?: (pid: unknown) => unknown;
}

const fail = (msg: string): never => {
  throw new FormatError('pickle', msg);
};

export function unpickle(data: Uint8Array, options: UnpickleOptions): unknown {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number) => {
    if (n < 0 || pos + n > data.byteLength) fail(`truncated: needs ${n} bytes at offset ${pos}, only ${data.byteLength - pos} left`);
  };
  const u8 = () => (need(1), data[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(data.byteLength)) fail(`length ${v} at offset ${pos - 8} exceeds the pickle's size`);
    return Number(v);
  };
  const bytes = (n: number) => {
    need(n);
    pos += n;
    return data.slice(pos - n, pos);
  };
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail(`unterminated text line at offset ${pos}`);
    const s = latin1.decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const str = (n: number) => {
    const b = bytes(n);
    try {
      return utf8.decode(b);
    } catch {
      return fail(`invalid UTF-8 string at offset ${pos - n}`);
    }
  };
  // Values are pushed through a function so that arguments that pop a MARK (replacing `stack`) are evaluated first.
  const push = (v: unknown) => {
    stack.push(v);
  };
  const pop = () => (stack.length ? stack.pop() : fail(`stack underflow at offset ${pos - 1}`));
  const top = () => (stack.length ? stack[stack.length - 1] : fail(`stack underflow at offset ${pos - 1}`));
  const popMark = () => {
    const items = stack;
    stack = marks.pop() ?? fail(`no MARK before offset ${pos - 1}`);
    return items;
  };
  const resolveGlobal = (module: string, name: string) => {
    const qualified = `${module}.${name}`;
    const handler = options.globals.get(qualified);
    if (!handler) throw new ForbiddenGlobalError(qualified);
    return new PyGlobal(qualified, handler);
  };
  const call = (callable: unknown, args: readonly unknown[]) => {
    if (!(callable instanceof PyGlobal)) return fail(`cannot call a ${typeName(callable)} at offset ${pos - 1}`);
    if (!callable.handler.call) return fail(`'${callable.qualifiedName}' cannot be called or instantiated here`);
    return callable.handler.call(args);
  };
  const tupleArgs = (v: unknown) => (v instanceof PyTuple ? v.items : fail(`expected an argument tuple, got a ${typeName(v)}`));
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof PyDict)) fail(`SETITEM(S) on a ${typeName(target)}`);
    if (items.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) (target as PyDict).map.set(key(items[i]), items[i + 1]);
  };
  const appendTo = (target: unknown, items: unknown[]) => {
    if (!Array.isArray(target)) fail(`APPEND(S) on a ${typeName(target)}`);
    (target as unknown[]).push(...items);
  };
  const persistent = (pid: unknown) => (options.persistentLoad ? options.persistentLoad(pid) : fail('persistent id without a persistent_load'));

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) fail(`pickle protocol ${v} is newer than 5`);
        break;
      }
      case 0x95: u64(); break; // FRAME: framing is transparent to a reader holding the whole pickle
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length) fail(`STOP with ${stack.length} values on the stack and ${marks.length} open marks`);
        return stack[0];
      case 0x28: marks.push(stack); stack = []; break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x4a: push(i32()); break; // BININT
      case 0x49: { // INT (text; also True/False as 01/00)
        const s = line();
        if (s === '01') push(true);
        else if (s === '00') push(false);
        else push(parseIntText(s));
        break;
      }
      case 0x4c: push(parseIntText(line().replace(/L$/, ''))); break; // LONG (text)
      case 0x8a: push(longLE(bytes(u8()))); break; // LONG1
      case 0x8b: { // LONG4
        const n = i32();
        if (n < 0) fail('negative LONG4 length');
        push(longLE(bytes(n)));
        break;
      }
      case 0x46: { // FLOAT (text)
        const v = Number(line());
        if (Number.isNaN(v)) fail('malformed FLOAT');
        stack.push(v);
        break;
      }
      case 0x47: need(8); push(view.getFloat64(pos, false)); pos += 8; break; // BINFLOAT (big-endian)
      case 0x58: push(str(u32())); break; // BINUNICODE
      case 0x8c: push(str(u8())); break; // SHORT_BINUNICODE
      case 0x8d: push(str(u64())); break; // BINUNICODE8
      case 0x56: push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))); break; // UNICODE
      case 0x53: push(parseQuoted(line())); break; // STRING (text)
      case 0x54: { // BINSTRING
        const n = i32();
        if (n < 0) fail('negative BINSTRING length');
        push(latin1.decode(bytes(n)));
        break;
      }
      case 0x55: push(latin1.decode(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x42: push(bytes(u32())); break; // BINBYTES
      case 0x43: push(bytes(u8())); break; // SHORT_BINBYTES
      case 0x8e: case 0x96: push(bytes(u64())); break; // BINBYTES8, BYTEARRAY8
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x6c: push(popMark()); break; // LIST
      case 0x61: { const v = pop(); appendTo(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendTo(top(), items); break; } // APPENDS
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x64: { const d = new PyDict(); setItems(d, popMark()); push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x8f: push(new Set()); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail(`ADDITEMS on a ${typeName(s)}`);
        for (const i of items) (s as Set<unknown>).add(i);
        break;
      }
      case 0x91: push(new Set(popMark())); break; // FROZENSET
      case 0x67: push(fromMemo(memo, parseIntText(line()))); break; // GET
      case 0x68: push(fromMemo(memo, u8())); break; // BINGET
      case 0x6a: push(fromMemo(memo, u32())); break; // LONG_BINGET
      case 0x70: memo.set(Number(parseIntText(line())), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x63: { const module = line(); push(resolveGlobal(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x69: { // INST (protocol 0): class named inline, arguments since the mark
        const module = line();
        const cls = resolveGlobal(module, line());
        push(call(cls, popMark()));
        break;
      }
      case 0x6f: { // OBJ: class and arguments since the mark
        const [cls, ...args] = popMark();
        push(call(cls, args));
        break;
      }
      case 0x52: { const args = tupleArgs(pop()); push(call(pop(), args)); break; } // REDUCE
      case 0x81: { const args = tupleArgs(pop()); push(call(pop(), args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = tupleArgs(pop()); push(call(pop(), args)); break; } // NEWOBJ_EX (kwargs ignored)
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (obj instanceof PyDict || obj instanceof PyObject) obj.state = state;
        else fail(`BUILD on a ${typeName(obj)}`);
        break;
      }
      case 0x50: push(persistent(line())); break; // PERSID
      case 0x51: push(persistent(pop())); break; // BINPERSID
      case 0x82: case 0x83: case 0x84: fail('extension registry opcodes (EXT1/2/4) are not supported'); break;
      case 0x97: case 0x98: fail('out-of-band buffers (pickle protocol 5 NEXT_BUFFER/READONLY_BUFFER) are not supported'); break;
      default:
        fail(`unknown opcode 0x${op.toString(16)} at offset ${pos - 1}`);
    }
  }
}

function fromMemo(memo: Map<number, unknown>, k: number | bigint): unknown {
  const key = Number(k);
  if (!memo.has(key)) fail(`memo key ${key} was never stored`);
  return memo.get(key);
}

function key(k: unknown): unknown {
  if (k instanceof PyTuple) return JSON.stringify(k.items);
  return k;
}

function parseIntText(s: string): number | bigint {
  if (!/^-?\d+$/.test(s)) fail(`malformed integer '${s.slice(0, 40)}'`);
  const b = BigInt(s);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** Little-endian two's-complement integer. */
function longLE(b: Uint8Array): number | bigint {
  if (b.byteLength === 0) return 0;
  let v = 0n;
  for (let i = b.byteLength - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.byteLength - 1]! & 0x80) v -= 1n << BigInt(8 * b.byteLength);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseQuoted(s: string): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q || s.length < 2) fail('malformed STRING');
  return s.slice(1, -1).replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, h, c) => (h ? String.fromCharCode(parseInt(h, 16)) : c === 'n' ? '\n' : c));
}

export function typeName(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.className;
  if (v instanceof PyObject) return v.className;
  if (v instanceof PyGlobal) return `global ${v.qualifiedName}`;
  if (Array.isArray(v)) return 'list';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v;
}
