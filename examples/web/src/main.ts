// Boot: find the elements, load the app (the model packages come with it, so a failure to load them is shown in the
// status line like any other error) and turn user input (pick, drop, click, select) into its actions.
import './styles.css';
import { findElements } from './dom.js';
import { describeError, statusText } from './status.js';

const els = findElements();
const showError = (e: unknown) => {
  els.status.textContent = statusText({ kind: 'error', message: describeError(e) });
  els.status.dataset.phase = 'error';
};

try {
  const [{ App }, { renderSamples }, { isWeightsFile }] = await Promise.all([import('./app.js'), import('./samples.js'), import('./weights_source.js')]);
  const app = new App(els);
  const bytesOf = (file: Blob) => async () => new Uint8Array(await file.arrayBuffer());

  els.imageInput.addEventListener('change', () => {
    const file = els.imageInput.files?.[0];
    if (file) void app.pickImage(file.name, bytesOf(file));
    els.imageInput.value = '';
  });
  els.weightsInput.addEventListener('change', () => {
    const file = els.weightsInput.files?.[0];
    if (file) void app.loadModel({ kind: 'file', file });
    els.weightsInput.value = '';
  });
  els.urlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const url = els.weightsUrl.value.trim();
    if (url) void app.loadModel({ kind: 'url', url });
  });
  els.bundledModel.addEventListener('click', () => void app.loadModel({ kind: 'bundled' }));
  els.backend.addEventListener('change', () => void app.selectBackend(els.backend.value));
  els.threads.addEventListener('change', () => void app.selectThreads(Number(els.threads.value)));
  for (const select of [els.stage, els.block, els.group]) select.addEventListener('change', () => void app.samplingChanged());
  els.view.addEventListener('click', (event) => void app.clickPixel(event));

  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    els.dropzone.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => els.dropzone.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    els.dropzone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    if (isWeightsFile(file)) void app.loadModel({ kind: 'file', file });
    else void app.pickImage(file.name, bytesOf(file));
  });

  renderSamples(els.samples, (sample) => void app.pickImage(sample.name, async () => {
    const response = await fetch(sample.url);
    if (!response.ok) throw new Error(`${sample.name}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }));

  await app.start();
} catch (e) {
  console.error(e);
  showError(e);
}
