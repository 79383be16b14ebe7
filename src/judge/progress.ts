/** A progress line on stderr when it is a terminal; silent otherwise (logs, CI, pipes). */
export interface Progress {
  tick(failed: boolean): void;
  done(): void;
}

export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { tick: () => {}, done: () => {} };
  const started = Date.now();
  let done = 0;
  let failed = 0;
  let last = 0;
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const secs = (now - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    const width = 24;
    const filled = total ? Math.round((done / total) * width) : width;
    stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}  ${rate.toFixed(1)}/s  eta ${eta}s  failed ${failed} `);
  };
  return {
    tick(f) {
      done++;
      if (f) failed++;
      draw(false);
    },
    done() {
      draw(true);
      stream.write("\n");
    },
  };
}
