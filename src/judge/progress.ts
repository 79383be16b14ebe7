/**
 * Progress on stderr. On a terminal: one line redrawn at most ten times a second (done/total,
 * rate, ETA, failures). Anywhere else (logs, CI, pipes, a terminal that reports 0 columns): a
 * plain line every `every` ms, so a long run is never silent and never fills a log with
 * carriage returns. `--progress auto|always|never`: auto picks by the stream, always draws the
 * bar even when the stream does not look like a terminal, never is silent.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export type ProgressMode = "auto" | "always" | "never";

export interface ProgressOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Default "auto": a bar on a terminal, plain periodic lines elsewhere. */
  readonly mode?: ProgressMode;
  /** Shorthand kept for callers: false is "never", true "always". */
  readonly enabled?: boolean;
  /** Milliseconds between plain lines when not drawing a bar (default 30 s). */
  readonly every?: number;
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
const PLAIN_EVERY_MS = 30_000;
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
  total: number | null;
  failed: number;
  rate: number;
  columns: number;
}): string {
  if (p.total === null) {
    const text = `${p.label} ${p.done} done  ${p.rate.toFixed(1)}/s${p.failed ? `  ${p.failed} failed` : ""}`;
    return text.slice(0, Math.max(0, p.columns - 1));
  }
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

export function createProgress(total: number | null, opts: ProgressOptions | ProgressStream = {}): Progress {
  const o: ProgressOptions = "write" in opts ? { stream: opts } : opts;
  const stream = o.stream ?? process.stderr;
  const mode: ProgressMode = o.mode ?? (o.enabled === false ? "never" : o.enabled === true ? "always" : "auto");
  if (mode === "never") return quiet;
  // A pty that reports 0 columns cannot hold a redrawn line: print plain lines there instead.
  const bar = (mode === "always" || stream.isTTY === true) && stream.columns !== 0;
  const now = o.now ?? Date.now;
  const every = bar ? REDRAW_MS : (o.every ?? PLAIN_EVERY_MS);
  const initial = o.initial ?? 0;
  const label = o.label ?? "judging";
  const started = now();
  let done = initial;
  let failed = 0;
  let lastDraw = bar ? -Infinity : started;
  let finished = false;

  const draw = () => {
    const t = now();
    lastDraw = t;
    const secs = (t - started) / 1000;
    const rate = secs > 0 ? (done - initial) / secs : 0;
    const line = progressLine({ label, done, total, failed, rate, columns: bar ? (stream.columns ?? 80) : 200 });
    // \x1b[2K clears what a longer previous line left behind.
    stream.write(bar ? `\r\x1b[2K${line}` : `${line}\n`);
  };

  return {
    tick(result) {
      if (finished) return;
      done++;
      if (result === true || (typeof result === "object" && result.failed)) failed++;
      if (now() - lastDraw >= every) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      // A plain log gets a final line only when it already had progress lines, or a bar to end.
      if (bar) {
        draw();
        stream.write("\n");
      } else if (lastDraw !== started) draw();
    },
  };
}
