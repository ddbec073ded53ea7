// Files shipped with the package (see assets/README.md): the trained MNIST InternImage, a few of its test digits,
// a photo, and the ImageNet-1k class names.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's assets folder (the same relative place from src/ and from dist/). */
export const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

export const MNIST_MODEL = join(ASSETS_DIR, 'mnist', 'internimage_mnist_32.pth');
export const MNIST_LABELS: readonly string[] = Array.from({ length: 10 }, (_, i) => String(i));
export const SAMPLE_PHOTO = join(ASSETS_DIR, 'images', 'chelsea.png');

/** Paths of the bundled MNIST test digits (`NNN_labelD.png`). */
export function mnistDigits(): string[] {
  const dir = join(ASSETS_DIR, 'mnist', 'digits');
  return readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => join(dir, f));
}

let imagenet: string[] | undefined;
/** The 1000 ImageNet-1k class names; index = class id of the published 1k heads. */
export function imagenetLabels(): readonly string[] {
  imagenet ??= JSON.parse(readFileSync(join(ASSETS_DIR, 'imagenet1k_labels.json'), 'utf8')) as string[];
  return imagenet;
}
