// The bundled images: ten MNIST test digits (one per class, named NNN_labelD.png) and a photo, shipped with the
// internimage package and copied into the site by the build.
const digitUrls = import.meta.glob<string>('../../../packages/internimage/assets/mnist/digits/*.png', { query: '?url', import: 'default', eager: true });
const photoUrls = import.meta.glob<string>('../../../packages/internimage/assets/images/*.png', { query: '?url', import: 'default', eager: true });

export interface Sample {
  name: string;
  url: string;
  /** What the image shows, when known (the MNIST digits' official class). */
  truth?: string;
}

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export const SAMPLES: readonly Sample[] = [
  ...Object.entries(digitUrls).sort(([a], [b]) => a.localeCompare(b)).map(([path, url]) => ({
    name: fileName(path), url, truth: /_label(\d)\.png$/.exec(path)?.[1],
  })),
  ...Object.entries(photoUrls).map(([path, url]) => ({ name: fileName(path), url })),
];

export function renderSamples(container: HTMLElement, onPick: (sample: Sample) => void): void {
  container.replaceChildren(...SAMPLES.map((s) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    button.title = s.truth === undefined ? s.name : `${s.name} (an MNIST ${s.truth})`;
    const img = document.createElement('img');
    img.src = s.url;
    img.alt = s.truth === undefined ? s.name : `digit ${s.truth}`;
    button.append(img);
    button.addEventListener('click', () => onPick(s));
    return button;
  }));
}
