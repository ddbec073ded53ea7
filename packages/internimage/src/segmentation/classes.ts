// Class names and display colours of a segmentor: the checkpoint's (mmseg keeps them in meta) or ADE20K's.
import { ArgumentError } from '@internimage/core';
import { assetLocation, readTextSync } from '#platform';

export type RGB = [number, number, number];

export interface ClassTable {
  classes: string[];
  palette: RGB[];
}

let ade: ClassTable | undefined;
/** The 150 ADE20K classes of the published UperNet heads (index 0 'wall') and mmseg's palette for them. */
export function ade20k(): ClassTable {
  if (!ade) {
    const { classes, palette } = JSON.parse(readTextSync(assetLocation('ade20k_classes_palette.json'))) as ClassTable;
    ade = { classes, palette };
  }
  return structuredClone(ade);
}

/** Distinct colours for classes without a palette (golden-angle hues). */
export function generatedPalette(n: number): RGB[] {
  return Array.from({ length: n }, (_, i) => {
    const h = (i * 137.508) % 360;
    const f = (k: number) => {
      const a = (k + h / 30) % 12;
      return Math.round(255 * (0.55 - 0.45 * Math.max(-1, Math.min(a - 3, 9 - a, 1))));
    };
    return [f(0), f(8), f(4)] as RGB;
  });
}

/** Checks a table against the model's class count. */
export function checkClassTable(op: string, table: ClassTable, numClasses: number): ClassTable {
  if (!Array.isArray(table.classes) || table.classes.length !== numClasses || table.classes.some((c) => typeof c !== 'string')) {
    throw new ArgumentError(op, 'classes', `${numClasses} class names (the head's outputs)`, Array.isArray(table.classes) ? `${table.classes.length}` : typeof table.classes);
  }
  if (!Array.isArray(table.palette) || table.palette.length !== numClasses ||
    table.palette.some((c) => !Array.isArray(c) || c.length !== 3 || c.some((v) => !Number.isInteger(v) || v < 0 || v > 255))) {
    throw new ArgumentError(op, 'palette', `${numClasses} [r, g, b] colours with values 0..255`, JSON.stringify(table.palette).slice(0, 80));
  }
  return table;
}
