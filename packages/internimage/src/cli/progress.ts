import cliProgress from 'cli-progress';

/**
 * A byte progress bar on stderr (drawn only on a terminal); returns the callback and a function to close it.
 * `rate` adds the transfer rate (downloads). The bar closes itself when it reaches its total.
 */
export function byteProgress(label: string, options: { rate?: boolean } = {}): { update: (done: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {percentage}% | {doneMB}/{totalMB} MB${options.rate ? ' | {rate} MB/s' : ''} | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let start = 0;
  let first = 0;
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const stop = () => {
    if (state === 'running') bar.stop();
    state = 'stopped';
  };
  return {
    update: (done, total) => {
      if (state === 'stopped') return;
      if (state === 'idle') {
        // A resumed download starts part-way: the rate and ETA count only this run's bytes.
        bar.start(total, done, { doneMB: mb(done), totalMB: mb(total), rate: '0.0' });
        state = 'running';
        start = performance.now();
        first = done;
      }
      const seconds = (performance.now() - start) / 1000;
      bar.update(done, { doneMB: mb(done), totalMB: mb(total), rate: seconds > 0 ? mb((done - first) / seconds) : '0.0' });
      if (done >= total) stop();
    },
    stop,
  };
}
