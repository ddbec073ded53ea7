import cliProgress from 'cli-progress';

/** A byte progress bar on stderr (drawn only on a terminal); returns the callback and a function to close it. */
export function byteProgress(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {percentage}% | {doneMB}/{totalMB} MB | {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0, { doneMB: mb(0), totalMB: mb(total) });
        started = true;
      }
      bar.update(done, { doneMB: mb(done), totalMB: mb(total) });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
