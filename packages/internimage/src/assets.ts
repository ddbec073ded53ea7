// Files shipped with the package (see assets/README.md): the trained MNIST InternImage, a few of its test digits,
// a photo, and the ImageNet-1k class names. Locations are paths in Node and URLs in a page (platform.*.ts).
import { assetLocation, readBytes, readTextSync } from '#platform';

/** The package's assets folder. */
export const ASSETS_DIR = assetLocation('');

export const MNIST_MODEL = assetLocation('mnist/internimage_mnist_32.pth');
export const MNIST_LABELS: readonly string[] = Array.from({ length: 10 }, (_, i) => String(i));
export const SAMPLE_PHOTO = assetLocation('images/chelsea.png');

/** The bundled MNIST test digits, `NNN_labelD.png` (index in the MNIST test set, true label). */
export const MNIST_DIGIT_FILES: readonly string[] = [
  '000_label9.png', '001_label0.png', '002_label2.png', '003_label5.png', '005_label8.png',
  '007_label6.png', '009_label3.png', '010_label1.png', '019_label7.png', '022_label4.png',
];

/** Locations of the bundled MNIST test digits. */
export function mnistDigits(): string[] {
  return MNIST_DIGIT_FILES.map((f) => assetLocation(`mnist/digits/${f}`));
}

const LABELS = 'imagenet1k_labels.json';
let imagenet: string[] | undefined;

/** The 1000 ImageNet-1k class names; index = class id of the published 1k heads. */
export async function loadImagenetLabels(): Promise<readonly string[]> {
  imagenet ??= JSON.parse(new TextDecoder().decode(await readBytes(assetLocation(LABELS)))) as string[];
  return imagenet;
}

/** The same, synchronously: in Node always; in a page once loadImagenetLabels() has run. */
export function imagenetLabels(): readonly string[] {
  imagenet ??= JSON.parse(readTextSync(assetLocation(LABELS))) as string[];
  return imagenet;
}
