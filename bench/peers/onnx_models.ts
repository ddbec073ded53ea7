// Single-op ONNX models built in memory (onnx-proto), so onnxruntime-node can run the same ops as our backends.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = 1;

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

export type Attribute = { name: string } & ({ ints: number[] } | { i: number } | { f: number } | { s: string });

const valueInfo = (name: string, dims: number[]) => ({
  name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

function attribute(a: Attribute) {
  if ('ints' in a) return { name: a.name, type: onnx.AttributeProto.AttributeType.INTS, ints: a.ints };
  if ('i' in a) return { name: a.name, type: onnx.AttributeProto.AttributeType.INT, i: a.i };
  if ('s' in a) return { name: a.name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(a.s) };
  return { name: a.name, type: onnx.AttributeProto.AttributeType.FLOAT, f: a.f };
}

/** A model with one node `opType(input, ...initializers) -> y`, opset 20. */
export function singleOpModel(opType: string, input: { name: string; dims: number[] }, output: number[],
  initializers: Initializer[] = [], attributes: Attribute[] = []): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 9,
    opsetImport: [{ domain: '', version: 20 }],
    graph: {
      name: opType,
      node: [{ opType, input: [input.name, ...initializers.map((i) => i.name)], output: ['y'], attribute: attributes.map(attribute) }],
      input: [valueInfo(input.name, input.dims)],
      output: [valueInfo('y', output)],
      initializer: initializers.map((i) => ({
        name: i.name, dims: i.dims, dataType: FLOAT, rawData: new Uint8Array(i.data.buffer, i.data.byteOffset, i.data.byteLength),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
