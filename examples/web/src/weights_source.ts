// Where the model's weights come from: the bundled MNIST InternImage (a file of this site), a file the user dropped,
// or a URL. Downloads go through the browser's cache, so the next visit does not fetch them again.
import bundledModelUrl from '../../../packages/internimage/assets/mnist/internimage_mnist_32.pth?url';

export type WeightsSource =
  | { kind: 'bundled' }
  | { kind: 'file'; file: File }
  | { kind: 'url'; url: string };

export const BUNDLED: WeightsSource = { kind: 'bundled' };

/** The name the model is shown under (its file name, which also tells published checkpoints' input size). */
export function sourceName(source: WeightsSource): string {
  switch (source.kind) {
    case 'bundled': return 'MNIST InternImage (bundled, internimage_mnist_32.pth)';
    case 'file': return source.file.name;
    case 'url': return decodeURIComponent(new URL(source.url, location.href).pathname.split('/').pop() || source.url);
  }
}

/** What createClassifier's `weights` takes for this source: a File, or an absolute URL. */
export function weightsArgument(source: WeightsSource): File | string {
  switch (source.kind) {
    case 'bundled': return new URL(bundledModelUrl, location.href).href;
    case 'file': return source.file;
    case 'url': return new URL(source.url, location.href).href;
  }
}

const WEIGHTS_EXTENSIONS = /\.(pth|pt|bin|safetensors)$/i;

/** Dropped files are weights when their name says so, images otherwise. */
export const isWeightsFile = (file: File) => WEIGHTS_EXTENSIONS.test(file.name);
