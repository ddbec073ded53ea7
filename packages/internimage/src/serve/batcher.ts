// Dynamic batching: items submitted by concurrent callers are stacked into one run of up to `maxBatch` items, waiting
// at most `maxWaitMs` for a batch to fill. Runs happen one at a time (the model is one), in arrival order, and only
// items with the same key (e.g. the same task) share a run. A failed run fails only its own items.

export interface BatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
  /** The most items that may wait; past it `submit` throws QueueFullError. */
  maxQueue: number;
  /** Called after each run with its size, duration in seconds and whether it failed. */
  onBatch?: (size: number, seconds: number, failed: boolean) => void;
  /** Called whenever the number of waiting items changes. */
  onQueueDepth?: (depth: number) => void;
}

export class QueueFullError extends Error {
  constructor(readonly waiting: number, readonly requested: number, readonly maxQueue: number) {
    super(`the queue is full: ${waiting} images wait, ${requested} more would pass the limit of ${maxQueue}`);
    this.name = 'QueueFullError';
  }
}

export class BatcherClosedError extends Error {
  constructor() {
    super('the server is shutting down and takes no new work');
    this.name = 'BatcherClosedError';
  }
}

interface Pending<I, O> {
  key: string;
  input: I;
  resolve: (out: O) => void;
  reject: (e: unknown) => void;
}

/** `run(key, inputs)` must return one output per input, in order. */
export type BatchRunner<I, O> = (key: string, inputs: I[]) => Promise<O[]>;

export class DynamicBatcher<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private running = false;
  private closed = false;
  private hurrying = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly run: BatchRunner<I, O>, readonly options: BatcherOptions) {
    for (const k of ['maxBatch', 'maxQueue'] as const) {
      if (!Number.isInteger(options[k]) || options[k] < 1) throw new RangeError(`${k} must be a positive integer, got ${options[k]}`);
    }
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
  }

  /** Items waiting for a run (not counting the run in progress). */
  get depth(): number {
    return this.queue.length;
  }

  /** Whether `n` more items would be accepted now. */
  canAccept(n = 1): boolean {
    return !this.closed && this.queue.length + n <= this.options.maxQueue;
  }

  /** Queues all of `inputs` (or none: throws QueueFullError) and resolves with their outputs in order. */
  submit(key: string, inputs: I[]): Promise<O[]> {
    if (this.closed) return Promise.reject(new BatcherClosedError());
    if (this.queue.length + inputs.length > this.options.maxQueue) {
      return Promise.reject(new QueueFullError(this.queue.length, inputs.length, this.options.maxQueue));
    }
    const outputs = inputs.map((input) => new Promise<O>((resolve, reject) => this.queue.push({ key, input, resolve, reject })));
    this.options.onQueueDepth?.(this.queue.length);
    this.schedule();
    return Promise.all(outputs);
  }

  /** From now on runs what is queued without waiting for batches to fill (for a shutdown; new work is still taken). */
  hurry(): void {
    this.hurrying = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.next();
    }
  }

  /** Stops taking work; resolves when everything already queued has run. */
  close(): Promise<void> {
    this.closed = true;
    this.hurry();
    return this.idle();
  }

  private idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running) return;
    if (this.sameKeyAtHead() >= this.options.maxBatch || this.hurrying || this.options.maxWaitMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.next();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.next();
      }, this.options.maxWaitMs);
    }
  }

  private sameKeyAtHead(): number {
    const key = this.queue[0]?.key;
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.key === key) n++;
    return n;
  }

  private async next(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, Math.min(this.sameKeyAtHead(), this.options.maxBatch));
    this.options.onQueueDepth?.(this.queue.length);
    const start = performance.now();
    let failed = false;
    try {
      const outputs = await this.run(batch[0]!.key, batch.map((p) => p.input));
      if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} gave ${outputs.length} results`);
      batch.forEach((p, i) => p.resolve(outputs[i]!));
    } catch (e) {
      failed = true;
      for (const p of batch) p.reject(e);
    } finally {
      this.options.onBatch?.(batch.length, (performance.now() - start) / 1000, failed);
      this.running = false;
    }
    if (this.queue.length > 0) {
      this.schedule();
    } else {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
