/**
 * A progress line on stderr when it is a terminal (done/total, rate, ETA, failures); silent
 * otherwise, so logs, CI output and pipes never fill with carriage returns. Redrawn at most
 * ten times a second however fast items finish.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Default: whether the stream is a terminal. */
  readonly enabled?: boolean;
  /** Items finished before this run started (a resumed run): counted as done, not in the rate. */
  readonly initial?: number;
  readonly label?: string;
  /** Milliseconds clock; tests replace it. */
  readonly now?: () => number;
}

export interface TickOptions {
  readonly failed?: boolean;
}

export interface Progress {
  /** One item finished; `tick(true)` is short for `tick({ failed: true })`. */
  tick(result?: TickOptions | boolean): void;
  /** Draws the final state and ends the line. */
  done(): void;
}

const REDRAW_MS = 100;
const quiet: Progress = { tick: () => {}, done: () => {} };

function clock(secs: number): string {
  if (!Number.isFinite(secs)) return "--:--";
  const s = Math.max(0, Math.round(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mm = String(m).padStart(h ? 2 : 1, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The text of the line, without control characters; exported for tests. */
export function progressLine(p: {
  label: string;
  done: number;
  total: number;
  failed: number;
  rate: number;
  columns: number;
}): string {
  const left = p.total - p.done;
  const eta = left <= 0 ? "0:00" : p.rate > 0 ? clock(left / p.rate) : "--:--";
  const pct = p.total > 0 ? Math.min(100, (p.done / p.total) * 100) : 100;
  const stats = ` ${p.done}/${p.total} ${pct.toFixed(0)}%  ${p.rate.toFixed(1)}/s  eta ${eta}${p.failed ? `  ${p.failed} failed` : ""}`;
  const room = p.columns - p.label.length - stats.length - 4;
  const width = Math.max(0, Math.min(30, room));
  const filled = Math.round((pct / 100) * width);
  const bar = width > 0 ? ` [${"#".repeat(filled)}${"-".repeat(width - filled)}]` : "";
  return (p.label + bar + stats).slice(0, Math.max(0, p.columns - 1));
}

export function createProgress(total: number, opts: ProgressOptions | ProgressStream = {}): Progress {
  const o: ProgressOptions = "write" in opts ? { stream: opts } : opts;
  const stream = o.stream ?? process.stderr;
  if (!(o.enabled ?? stream.isTTY === true)) return quiet;
  const now = o.now ?? Date.now;
  const initial = o.initial ?? 0;
  const label = o.label ?? "judging";
  const started = now();
  let done = initial;
  let failed = 0;
  let lastDraw = -Infinity;
  let finished = false;

  const draw = () => {
    const t = now();
    lastDraw = t;
    const secs = (t - started) / 1000;
    const rate = secs > 0 ? (done - initial) / secs : 0;
    // \x1b[2K clears what a longer previous line left behind.
    stream.write(`\r\x1b[2K${progressLine({ label, done, total, failed, rate, columns: stream.columns ?? 80 })}`);
  };

  return {
    tick(result) {
      if (finished) return;
      done++;
      if (result === true || (typeof result === "object" && result.failed)) failed++;
      if (now() - lastDraw >= REDRAW_MS) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      draw();
      stream.write("\n");
    },
  };
}
