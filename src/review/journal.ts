/**
 * The review journal: every label is one JSON line appended and fsynced before the app says it
 * is saved, so a crash, a killed server or a closed tab loses nothing. `labels.jsonl` is derived
 * from it (labels-file.ts). A torn last line (a crash mid-write) is dropped on replay and said.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";

export interface LabelEntry {
  readonly item_id: string;
  /** null clears the item's label. */
  readonly label: number | string | null;
  readonly rater: string;
  readonly criteria?: Record<string, string | number | boolean>;
  readonly comment?: string;
  readonly at: string;
}

export interface Replay {
  readonly entries: LabelEntry[];
  readonly problems: string[];
}

export function replayJournal(path: string): Replay {
  if (!existsSync(path)) return { entries: [], problems: [] };
  const text = readFileSync(path, "utf8");
  const entries: LabelEntry[] = [];
  const problems: string[] = [];
  const lines = text.split("\n");
  lines.forEach((l, i) => {
    if (l.trim() === "") return;
    try {
      const e = JSON.parse(l) as LabelEntry;
      if (typeof e.item_id !== "string") throw new Error("no item_id");
      entries.push(e);
    } catch (err) {
      const last = i === lines.length - 1 || lines.slice(i + 1).every((x) => x.trim() === "");
      problems.push(
        last
          ? `${path}:${i + 1}: an incomplete last entry (a crash while writing it) was skipped`
          : `${path}:${i + 1}: not a journal entry (${(err as Error).message}); skipped`,
      );
    }
  });
  return { entries, problems };
}

export class Journal {
  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /** Opens for appending; a torn last line is closed off with a newline first. */
  static open(path: string): Journal {
    const fd = openSync(path, "a");
    if (existsSync(path)) {
      const text = readFileSync(path);
      if (text.length && text[text.length - 1] !== 10) writeSync(fd, "\n");
    }
    return new Journal(path, fd);
  }

  append(e: LabelEntry): void {
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
