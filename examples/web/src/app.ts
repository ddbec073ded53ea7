// The app's controller: one model, one image, one clicked pixel, one backend. Every user action goes through a
// queue, so a pick made while a model loads simply waits for it; a failed action leaves the previous model, image
// and backend in place and says what went wrong in the status line.
import type { Classifier, Image8 } from 'internimage';
import { createClassifier, decodeImage, resizeAndCrop, toRGB, visualizeSampling } from 'internimage';
import type { BackendState } from './backends.js';
import { PAGE_BACKENDS, isolationNote, probeBackend, threadChoices } from './backends.js';
import type { Elements } from './dom.js';
import { setOptions } from './dom.js';
import { drawPicture, drawPoints, pixelAt, renderLegend } from './overlay.js';
import { renderPredictions } from './predictions.js';
import type { Phase } from './status.js';
import { describeError, statusText } from './status.js';
import type { WeightsSource } from './weights_source.js';
import { BUNDLED, sourceName, weightsArgument } from './weights_source.js';

interface Picked {
  name: string;
  pixels: Image8;
  /** The image as the model sees it (resized, cropped), for the canvas. */
  view: Image8;
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

export class App {
  private phase: Phase = { kind: 'loading-model', source: 'the bundled model' };
  private clf: Classifier | null = null;
  private source: WeightsSource = BUNDLED;
  private image: Picked | null = null;
  private at: [number, number] | null = null;
  private backend: string = PAGE_BACKENDS[0];
  private threads = Math.min(2, threadChoices().length);
  private backends: BackendState[] = PAGE_BACKENDS.map((name) => ({ name, reason: null }));
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly els: Elements) {}

  start(): Promise<void> {
    this.els.isolation.textContent = isolationNote();
    setOptions(this.els.threads, threadChoices().map((n) => ({ value: String(n), text: String(n) })), String(this.threads));
    this.renderBackends();
    renderLegend(this.els.legend, [], null);
    const ready = this.loadModel(BUNDLED);
    this.probeBackends();
    return ready;
  }

  /** Runs `action` after the ones before it; its error becomes the status line. */
  private enqueue(action: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(action).catch((e: unknown) => {
      console.warn(e);
      this.setPhase({ kind: 'error', message: describeError(e) });
    });
    return this.queue;
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.els.status.textContent = statusText(phase);
    this.els.status.dataset.phase = phase.kind;
  }

  loadModel(source: WeightsSource): Promise<void> {
    return this.enqueue(async () => {
      this.setPhase({ kind: 'loading-model', source: sourceName(source) });
      const clf = await this.withProgress(() => this.createOn(this.backend, source));
      this.replaceClassifier(clf, source);
      await this.afterModelChange();
    });
  }

  selectBackend(name: string): Promise<void> {
    return this.enqueue(async () => {
      if (name === this.backend) return;
      this.setPhase({ kind: 'switching-backend', backend: name });
      try {
        const clf = await this.withProgress(() => this.createOn(name, this.source));
        this.backend = name;
        this.replaceClassifier(clf, this.source);
      } finally {
        this.els.backend.value = this.backend;
        this.renderThreads();
      }
      await this.afterModelChange();
    });
  }

  selectThreads(threads: number): Promise<void> {
    return this.enqueue(async () => {
      if (threads === this.threads || this.backend !== 'wasm') return;
      this.setPhase({ kind: 'switching-backend', backend: `wasm on ${threads} thread${threads > 1 ? 's' : ''}` });
      const previous = this.threads;
      this.threads = threads;
      try {
        this.replaceClassifier(await this.createOn('wasm', this.source), this.source);
      } catch (e) {
        this.threads = previous;
        this.els.threads.value = String(previous);
        throw e;
      }
      await this.afterModelChange();
    });
  }

  pickImage(name: string, read: () => Promise<Uint8Array>): Promise<void> {
    return this.enqueue(async () => {
      this.setPhase({ kind: 'running' });
      const pixels = await decodeImage(await read(), name);
      const clf = this.requireModel();
      this.image = { name, pixels, view: resizeAndCrop(toRGB(pixels), clf.imageSize) };
      this.at = null;
      this.els.dropHint.hidden = true;
      await this.classify();
    });
  }

  clickPixel(event: MouseEvent): Promise<void> {
    return this.enqueue(async () => {
      if (!this.image) return;
      this.at = pixelAt(this.els.view, this.requireModel().imageSize, event);
      await this.drawSampling();
    });
  }

  /** Stage, block or group changed. */
  samplingChanged(): Promise<void> {
    return this.enqueue(async () => {
      this.renderSamplingControls();
      await this.drawSampling();
    });
  }

  private requireModel(): Classifier {
    if (!this.clf) throw new Error('no model is loaded (load the bundled one or a checkpoint first)');
    return this.clf;
  }

  private async createOn(backend: string, source: WeightsSource): Promise<Classifier> {
    return createClassifier({
      weights: weightsArgument(source),
      backend,
      threads: backend === 'wasm' ? this.threads : undefined,
      onDownload: (loaded, total) => this.showProgress(loaded, total, 'downloading'),
      onProgress: (loaded, total) => this.showProgress(loaded, total, 'reading weights'),
    });
  }

  private replaceClassifier(clf: Classifier, source: WeightsSource): void {
    this.clf?.dispose();
    this.clf = clf;
    this.source = source;
    this.els.modelName.textContent = `${sourceName(source)}: ${clf.config.numClasses} classes, ${clf.imageSize}×${clf.imageSize} input`;
    this.els.modelNotes.replaceChildren(...clf.notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
    this.els.bundledModel.hidden = source.kind === 'bundled';
    this.renderSamplingControls(true);
  }

  /** A new model sees the current image again (resized for its input), or waits for one. */
  private async afterModelChange(): Promise<void> {
    if (!this.image) {
      this.setPhase({ kind: 'no-image' });
      return;
    }
    this.image = { ...this.image, view: resizeAndCrop(toRGB(this.image.pixels), this.requireModel().imageSize) };
    if (this.at && this.at.some((v) => v >= this.requireModel().imageSize)) this.at = null;
    this.setPhase({ kind: 'running' });
    await this.classify();
  }

  private async classify(): Promise<void> {
    const clf = this.requireModel();
    const image = this.image!;
    await nextFrame();
    const start = performance.now();
    const predictions = await clf.classify(image.pixels, { topK: Math.min(5, clf.config.numClasses) });
    const ms = performance.now() - start;
    renderPredictions(this.els.predictions, predictions);
    const threads = this.backend === 'wasm' ? this.threads : 1;
    this.els.timing.textContent = `${image.name}: ${ms.toFixed(1)} ms on ${this.backend}, ${threads} thread${threads > 1 ? 's' : ''}`;
    await this.drawSampling();
    this.setPhase({ kind: 'ready' });
  }

  private async drawSampling(): Promise<void> {
    const clf = this.requireModel();
    if (!this.image) return;
    drawPicture(this.els.view, this.image.view);
    const at = this.at;
    if (!at) {
      renderLegend(this.els.legend, [], null);
      return;
    }
    const stage = Number(this.els.stage.value);
    const block = Number(this.els.block.value);
    const group = this.els.group.value === 'all' ? undefined : Number(this.els.group.value);
    const { points } = await visualizeSampling(clf, this.image.pixels, { stage, block, group, at: [at] });
    drawPoints(this.els.view, clf.imageSize, points, at);
    const groups = [...new Set(points.map((p) => p.group))];
    renderLegend(this.els.legend, groups, { stage, block, stride: 4 * 2 ** stage, at });
  }

  /** Stage, block and group choices for the model's depths and groups; keeps the choices that still exist. */
  private renderSamplingControls(newModel = false): void {
    const config = this.clf?.config;
    if (!config) return;
    const keep = (select: HTMLSelectElement, fallback: string) => (newModel ? fallback : select.value || fallback);
    const stages = config.depths.map((_, s) => ({ value: String(s), text: String(s) }));
    setOptions(this.els.stage, stages, keep(this.els.stage, '1'));
    const stage = Number(this.els.stage.value);
    setOptions(this.els.block, Array.from({ length: config.depths[stage]! }, (_, b) => ({ value: String(b), text: String(b) })), keep(this.els.block, '0'));
    const groups = config.groups[stage]!;
    setOptions(this.els.group, [{ value: 'all', text: `all ${groups}` }, ...Array.from({ length: groups }, (_, g) => ({ value: String(g), text: String(g) }))], keep(this.els.group, 'all'));
  }

  private async withProgress<T>(work: () => Promise<T>): Promise<T> {
    this.els.progress.hidden = false;
    this.els.progress.removeAttribute('value');
    try {
      return await work();
    } finally {
      this.els.progress.hidden = true;
      this.els.progressText.textContent = '';
    }
  }

  private showProgress(loaded: number, total: number, stage: string): void {
    if (total > 0) {
      this.els.progress.max = total;
      this.els.progress.value = loaded;
    }
    const mb = (n: number) => (n / 1e6).toFixed(1);
    this.els.progressText.textContent = total > 0 ? `${stage}: ${mb(loaded)} / ${mb(total)} MB` : `${stage}: ${mb(loaded)} MB`;
  }

  /**
   * One probe at a time through the queue (a probe switches the active backend for a moment), each queued when the
   * one before has finished, so that the user's actions go first.
   */
  private probeBackends(from = 0): void {
    const state = this.backends[from];
    if (!state) return;
    void this.enqueue(async () => {
      state.reason = state.name === this.backend ? '' : await probeBackend(state.name);
      this.renderBackends();
    }).then(() => this.probeBackends(from + 1));
  }

  private renderBackends(): void {
    setOptions(this.els.backend, this.backends.map(({ name, reason }) => ({
      value: name,
      text: reason === null ? `${name} (checking…)` : reason ? `${name} (unavailable)` : name,
      disabled: Boolean(reason),
    })), this.backend);
    this.els.backendReasons.replaceChildren(...this.backends.filter((b) => b.reason).map((b) => {
      const li = document.createElement('li');
      li.textContent = `${b.name}: ${b.reason}`;
      return li;
    }));
    this.renderThreads();
  }

  private renderThreads(): void {
    this.els.threads.disabled = this.backend !== 'wasm' || threadChoices().length === 1;
    this.els.threads.value = String(this.backend === 'wasm' ? this.threads : 1);
  }
}
