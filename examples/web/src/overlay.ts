// Draws the image as the model sees it (resized and cropped, enlarged without smoothing) and, over it, the DCNv3
// sampling points of one block for the clicked pixel: the same picture `internimage visualize` writes.
import type { Image8, SamplingPoint } from 'internimage';
import { SAMPLING_PALETTE, samplingDiscRadius } from 'internimage';

const cssColor = ([r, g, b]: readonly number[]) => `rgb(${r} ${g} ${b})`;

/** Canvas pixels per preprocessed pixel. */
export const scaleOf = (canvas: HTMLCanvasElement, size: number) => canvas.width / size;

/** The preprocessed image's pixel under a click (integer coordinates inside [0, size)). */
export function pixelAt(canvas: HTMLCanvasElement, size: number, event: MouseEvent): [number, number] {
  const rect = canvas.getBoundingClientRect();
  const clamp = (v: number) => Math.min(size - 1, Math.max(0, Math.floor(v)));
  return [clamp(((event.clientX - rect.left) / rect.width) * size), clamp(((event.clientY - rect.top) / rect.height) * size)];
}

/** Paints `picture` (RGB or RGBA, square) over the whole canvas. */
export function drawPicture(canvas: HTMLCanvasElement, picture: Image8): void {
  const { width, height, channels, data } = picture;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = data[channels * i]!;
    rgba[4 * i + 1] = data[channels * i + 1]!;
    rgba[4 * i + 2] = data[channels * i + 2]!;
    rgba[4 * i + 3] = channels === 4 ? data[4 * i + 3]! : 255;
  }
  const small = new OffscreenCanvas(width, height);
  small.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Discs at the sampling points (area ∝ mask weight, colour = group) and a cross on the query pixel. */
export function drawPoints(canvas: HTMLCanvasElement, size: number, points: readonly SamplingPoint[], at: [number, number]): void {
  const ctx = canvas.getContext('2d')!;
  const scale = scaleOf(canvas, size);
  // visualize sizes discs for a ~512-pixel picture; keep the same proportions at this canvas's size.
  const unit = canvas.width / 512;
  const maxWeight = Math.max(...points.map((p) => p.weight), 1e-9);
  ctx.lineWidth = Math.max(1, unit);
  for (const p of points) {
    ctx.beginPath();
    ctx.arc((p.x + 0.5) * scale, (p.y + 0.5) * scale, samplingDiscRadius(p.weight, maxWeight) * unit, 0, 2 * Math.PI);
    ctx.fillStyle = cssColor(SAMPLING_PALETTE[p.group % SAMPLING_PALETTE.length]!);
    ctx.globalAlpha = 0.85;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = 'rgb(0 0 0 / 0.6)';
    ctx.stroke();
  }
  const [cx, cy] = [(at[0] + 0.5) * scale, (at[1] + 0.5) * scale];
  const arm = 8 * unit;
  ctx.strokeStyle = 'white';
  ctx.lineWidth = 2 * unit;
  ctx.beginPath();
  ctx.moveTo(cx - arm, cy);
  ctx.lineTo(cx + arm, cy);
  ctx.moveTo(cx, cy - arm);
  ctx.lineTo(cx, cy + arm);
  ctx.stroke();
}

/** The legend: one swatch per group drawn, the disc-size rule, what the cross is, and where the block sits. */
export function renderLegend(legend: HTMLElement, groups: readonly number[], info: { stage: number; block: number; stride: number; at: [number, number] } | null): void {
  if (!info) {
    legend.replaceChildren(text('p', 'Click the image to see where a DCNv3 block looks.', 'muted small'));
    return;
  }
  const swatches = document.createElement('ul');
  swatches.className = 'swatches';
  for (const g of groups) {
    const li = document.createElement('li');
    const dot = document.createElement('span');
    dot.className = 'swatch';
    dot.style.background = cssColor(SAMPLING_PALETTE[g % SAMPLING_PALETTE.length]!);
    li.append(dot, `group ${g}`);
    swatches.append(li);
  }
  legend.replaceChildren(
    text('p', `Stage ${info.stage}, block ${info.block} (feature stride ${info.stride}) for pixel (${info.at[0]}, ${info.at[1]}), the white cross`, 'small'),
    swatches,
    text('p', 'Disc area ∝ the point\'s mask weight (its share of the group\'s output).', 'muted small'),
  );
}

function text(tag: string, content: string, className: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = content;
  return el;
}
