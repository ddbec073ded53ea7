// A batch job over Redis (BullMQ): one job per image, results appended to a JSON-lines file exactly once each.
// Results are learnt from queue events as they come and, whenever events go quiet (a missed event, a Redis restart),
// by looking each pending job up; a job that Redis lost is enqueued again under the same id.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeSafetensors } from '@internimage/core';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { FeatureStage } from './inference.js';
import type { BatchTask, ImageJob, ImageJobResult } from './jobs.js';
import { JOB_ATTEMPTS, jobId, queueName, redisConnection } from './jobs.js';

export interface BatchOptions {
  redis: string;
  model: string;
  /** Image paths as given (written back as given). */
  images: string[];
  out: string;
  task: BatchTask;
  topK: number;
  stage: FeatureStage;
  /** Feature vectors per safetensors shard (default 1024). */
  shardRows?: number;
  /** Look every pending job up after this long without a result (default 2000 ms). */
  sweepMs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface BatchSummary {
  total: number;
  /** Images that already had a line in the output before this run. */
  skipped: number;
  written: number;
  failed: number;
}

type Line = { image: string; predictions: unknown } | { image: string; features: { file: string; row: number } } | { image: string; error: string };

/** The images that already have a line in `out` (a line cut short by a crash is ignored, and redone). */
function finishedImages(out: string): Set<string> {
  const done = new Set<string>();
  if (!existsSync(out)) return done;
  const text = readFileSync(out, 'utf8');
  const lines = text.split('\n');
  let good = 0;
  for (const line of lines) {
    if (!line) {
      good += 1;
      continue;
    }
    try {
      done.add((JSON.parse(line) as Line).image);
      good += line.length + 1;
    } catch {
      break;
    }
  }
  if (good < text.length) writeFileSync(out, text.slice(0, good));
  return done;
}

/** Feature vectors collected into safetensors shards next to the output; their lines are written with the shard. */
class FeatureShards {
  private rows: Array<{ image: string; shape: number[]; data: number[] }> = [];
  private next = 0;

  constructor(private readonly out: string, private readonly rowsPerShard: number, private readonly writeLines: (lines: Line[]) => void) {
    while (existsSync(this.file(this.next))) this.next++;
  }

  private file(n: number): string {
    return join(dirname(this.out), `${basename(this.out).replace(/\.jsonl$/, '')}.features-${String(n).padStart(5, '0')}.safetensors`);
  }

  async add(image: string, shape: number[], data: number[]): Promise<void> {
    this.rows.push({ image, shape, data });
    if (this.rows.length >= this.rowsPerShard) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    const size = rows[0]!.data.length;
    const values = new Float32Array(rows.length * size);
    rows.forEach((r, i) => values.set(r.data, i * size));
    const file = this.file(this.next++);
    const bytes = await writeSafetensors({ features: { dtype: 'float32', shape: [rows.length, ...rows[0]!.shape], data: values } }, {
      images: JSON.stringify(rows.map((r) => r.image)),
    });
    writeFileSync(file, bytes);
    this.writeLines(rows.map((r, row) => ({ image: r.image, features: { file: basename(file), row } })));
  }
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const unique = [...new Set(options.images)];
  const done = finishedImages(options.out);
  const skipped = unique.filter((i) => done.has(i)).length;
  const summary: BatchSummary = { total: unique.length, skipped, written: 0, failed: 0 };
  const writeLines = (lines: Line[]) => {
    const fresh = lines.filter((l) => !done.has(l.image));
    if (fresh.length === 0) return;
    appendFileSync(options.out, fresh.map((l) => `${JSON.stringify(l)}\n`).join(''));
    for (const l of fresh) {
      done.add(l.image);
      summary.written++;
      if ('error' in l) summary.failed++;
    }
    options.onProgress?.(done.size, unique.length);
  };
  const shards = new FeatureShards(options.out, options.shardRows ?? 1024, writeLines);

  // Pending jobs by id; also what is being collected into a shard (so it is not taken twice).
  const pending = new Map<string, { given: string; job: ImageJob }>();
  for (const given of unique) {
    if (done.has(given)) continue;
    const job: ImageJob = { image: resolve(given), task: options.task, topK: options.topK, stage: options.stage };
    pending.set(jobId(options.model, job), { given, job });
  }
  options.onProgress?.(done.size, unique.length);
  if (pending.size === 0) return summary;

  const connection = redisConnection(options.redis);
  const queue = new Queue<ImageJob, ImageJobResult>(queueName(options.model), { connection });
  const events = new QueueEvents(queueName(options.model), { connection });
  queue.on('error', () => {});
  events.on('error', () => {});
  const enqueue = async (ids: string[]) => {
    for (let i = 0; i < ids.length; i += 500) {
      await queue.addBulk(ids.slice(i, i + 500).map((id) => ({
        name: options.task,
        data: pending.get(id)!.job,
        opts: {
          jobId: id, attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: 200 },
          removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
        },
      })));
    }
  };

  const finish = async (id: string, job: Job<ImageJob, ImageJobResult> | undefined): Promise<'done' | 'waiting' | 'missing'> => {
    const entry = pending.get(id);
    if (!entry) return 'done';
    if (!job) return 'missing';
    if (job.finishedOn && job.returnvalue) {
      pending.delete(id);
      const r = job.returnvalue;
      if ('predictions' in r) writeLines([{ image: entry.given, predictions: r.predictions }]);
      else await shards.add(entry.given, r.shape, r.features);
      return 'done';
    }
    if (job.finishedOn && job.failedReason && await job.isFailed()) {
      pending.delete(id);
      writeLines([{ image: entry.given, error: job.failedReason }]);
      return 'done';
    }
    return 'waiting';
  };

  const flagged = new Set<string>();
  events.on('completed', ({ jobId: id }) => flagged.add(id));
  events.on('failed', ({ jobId: id }) => flagged.add(id));
  await events.waitUntilReady();
  await enqueue([...pending.keys()]);

  const sweepMs = options.sweepMs ?? 2000;
  let lastProgress = Date.now();
  try {
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, 100));
      const sweep = Date.now() - lastProgress > sweepMs;
      const ids = sweep ? [...pending.keys()] : [...flagged].filter((id) => pending.has(id));
      flagged.clear();
      const before = pending.size;
      const missing: string[] = [];
      try {
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          const jobs = await Promise.all(chunk.map((id) => queue.getJob(id)));
          for (const [k, id] of chunk.entries()) if (await finish(id, jobs[k]) === 'missing') missing.push(id);
        }
        if (missing.length) await enqueue(missing);
      } catch {
        // Redis is away: the connection retries; the next sweep looks again.
      }
      if (pending.size < before || sweep) lastProgress = Date.now();
    }
    await shards.flush();
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
  }
  return summary;
}
