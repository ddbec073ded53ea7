import type { DataFormat } from '@internimage/core';
import { divmod } from '../codegen.js';

/** Declares n, c, y, x of output element `i` of an image of that shape and layout. */
export function imageCoords(format: DataFormat, channels: number, height: number, width: number): string {
  const inner = format === 'NCHW' ? [['x', width], ['y', height], ['c', channels]] : [['c', channels], ['x', width], ['y', height]];
  let code = '';
  let rest = 'i';
  for (const [name, size] of inner as Array<[string, number]>) {
    code += divmod(rest, size, `q_${name}`, name);
    rest = `q_${name}`;
  }
  return `${code}var n = ${rest};\n`;
}
