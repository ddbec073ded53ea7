// The page's elements, looked up once. The data-testid ones are the contract the end-to-end test relies on.
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html: expected #${id} to be a ${type.name}, found ${el?.tagName ?? 'nothing'}`);
  return el;
}

function byTestId<T extends HTMLElement>(testId: string, type: new () => T): T {
  const found = document.querySelectorAll(`[data-testid="${testId}"]`);
  const el = found[0];
  if (found.length !== 1 || !(el instanceof type)) throw new Error(`index.html: expected one ${type.name} [data-testid="${testId}"], found ${found.length}`);
  return el;
}

export function findElements() {
  return {
    imageInput: byTestId('image-input', HTMLInputElement),
    weightsInput: byTestId('weights-input', HTMLInputElement),
    backend: byTestId('backend', HTMLSelectElement),
    predictions: byTestId('predictions', HTMLElement),
    status: byTestId('status', HTMLElement),
    modelName: byId('model-name', HTMLElement),
    modelNotes: byId('model-notes', HTMLUListElement),
    urlForm: byId('url-form', HTMLFormElement),
    weightsUrl: byId('weights-url', HTMLInputElement),
    bundledModel: byId('bundled-model', HTMLButtonElement),
    progress: byId('weights-progress', HTMLProgressElement),
    progressText: byId('weights-progress-text', HTMLElement),
    threads: byId('threads', HTMLSelectElement),
    backendReasons: byId('backend-reasons', HTMLUListElement),
    isolation: byId('isolation', HTMLElement),
    dropzone: byId('dropzone', HTMLElement),
    dropHint: byId('drop-hint', HTMLElement),
    view: byId('view', HTMLCanvasElement),
    samples: byId('samples', HTMLElement),
    stage: byId('stage', HTMLSelectElement),
    block: byId('block', HTMLSelectElement),
    group: byId('group', HTMLSelectElement),
    legend: byId('legend', HTMLElement),
    timing: byId('timing', HTMLElement),
  };
}

export type Elements = ReturnType<typeof findElements>;

/** Replaces a select's options; `disabled` ones stay listed (greyed) so the user sees they exist. */
export function setOptions(select: HTMLSelectElement, options: Array<{ value: string; text: string; disabled?: boolean }>, selected?: string): void {
  select.replaceChildren(...options.map((o) => {
    const opt = document.createElement('option');
    opt.value = o.value;
    opt.textContent = o.text;
    opt.disabled = o.disabled ?? false;
    return opt;
  }));
  if (selected !== undefined && options.some((o) => o.value === selected)) select.value = selected;
}
