// What the app is doing, as one value; the status line and which controls are usable follow from it alone.
export type Phase =
  | { kind: 'loading-model'; source: string }
  | { kind: 'switching-backend'; backend: string }
  | { kind: 'no-image' }
  | { kind: 'running' }
  | { kind: 'ready' }
  | { kind: 'error'; message: string };

/** The text of the status element: exactly `ready` when a result is shown, `error: …` after a failure. */
export function statusText(phase: Phase): string {
  switch (phase.kind) {
    case 'loading-model': return `loading ${phase.source}…`;
    case 'switching-backend': return `starting ${phase.backend}…`;
    case 'no-image': return 'model ready: drop or pick an image';
    case 'running': return 'running…';
    case 'ready': return 'ready';
    case 'error': return `error: ${phase.message}`;
  }
}

/** While the model or backend changes, inputs that would start another pass wait. */
export const isBusy = (phase: Phase) => phase.kind === 'loading-model' || phase.kind === 'switching-backend' || phase.kind === 'running';

/** An error as the user should read it: the message, without the class name JavaScript puts in front. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
