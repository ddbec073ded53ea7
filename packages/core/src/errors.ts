/** Thrown when an op gets an argument it cannot accept. Names the op, the argument, what was expected and what came. */
export class ArgumentError extends Error {
  constructor(
    readonly op: string,
    readonly argument: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${op}: argument '${argument}' must be ${expected}, got ${actual}`);
    this.name = 'ArgumentError';
  }
}

/** Thrown when the active backend has no kernel of the requested name. */
export class KernelNotFoundError extends Error {
  constructor(readonly kernel: string, readonly backend: string) {
    super(`kernel '${kernel}' is not implemented by backend '${backend}'`);
    this.name = 'KernelNotFoundError';
  }
}

/** Thrown when a backend cannot be initialised; `reasons` holds one entry per backend tried. */
export class BackendUnavailableError extends Error {
  constructor(readonly reasons: ReadonlyArray<{ backend: string; reason: string }>) {
    super(
      reasons.length === 1
        ? `backend '${reasons[0]!.backend}' is unavailable: ${reasons[0]!.reason}`
        : `no backend could be initialised:\n${reasons.map((r) => `  ${r.backend}: ${r.reason}`).join('\n')}`,
    );
    this.name = 'BackendUnavailableError';
  }
}

/** Thrown on malformed tensor files (safetensors, checkpoints). */
export class FormatError extends Error {
  constructor(readonly format: string, message: string) {
    super(`${format}: ${message}`);
    this.name = 'FormatError';
  }
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
