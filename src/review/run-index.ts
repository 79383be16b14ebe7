/**
 * The run and its rows, matched item by item in one pass over both files, a chunk at a time.
 * Items are numbered in run order; item i can be shown once it and every item before it have
 * found their row (`ready`), which for a run written in row order is almost at once. The
 * mismatches only the whole pass can see (items with no row, ids twice) end the pass with an
 * error naming file and line.
 */
import { RulersError } from "../util/errors.js";
import { rowId } from "../util/jsonl.js";
import type { IndexedLine, LineSource } from "./line-index.js";
import { type RecordSummary, summarise } from "./summary.js";

export class ReviewError extends RulersError {
  override readonly code: string = "review";
}

export interface ItemSummary extends RecordSummary {
  readonly run: IndexedLine;
  /** Null until the item's row has been read. */
  row: IndexedLine | null;
}

function parseLine(path: string, l: IndexedLine, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReviewError(`${path}:${l.line}: not valid JSON (${(err as Error).message})`);
  }
}

export class RunIndex {
  readonly items: ItemSummary[] = [];
  readonly byId = new Map<string, number>();
  /** Items 0..ready-1 have their row. */
  ready = 0;
  /** Why the pass stopped early; the items indexed before it stay readable. */
  failure: ReviewError | null = null;
  /** The first record that names a scale or a preference, for the session's scale. */
  firstRecord: Record<string, unknown> | null = null;
  private rows = new Map<string, IndexedLine>();
  /** Items read from the run whose row has not been seen yet. */
  private waiting = new Map<string, number>();

  private constructor(
    readonly runFile: LineSource,
    readonly rowFile: LineSource,
  ) {}

  static open(runPath: string, rowsPath: string, openFile: (path: string, what: string) => LineSource): RunIndex {
    const rows = openFile(rowsPath, "rows");
    try {
      return new RunIndex(openFile(runPath, "run"), rows);
    } catch (err) {
      rows.close();
      throw err;
    }
  }

  get done(): boolean {
    return this.failure !== null || (this.runFile.done && this.rowFile.done);
  }

  /** Bytes of both files indexed so far, and their total. */
  get progress(): { bytes: number; of: number } {
    return {
      bytes: this.runFile.scanned + this.rowFile.scanned,
      of: this.runFile.size + this.rowFile.size,
    };
  }

  /**
   * Indexes one chunk of whichever file is behind: rows while run items wait for theirs,
   * otherwise the run, and the rest of the rows (checked for duplicates) last. A failure is
   * kept in `failure` and thrown.
   */
  step(): void {
    if (this.done) {
      if (this.failure) throw this.failure;
      return;
    }
    try {
      if (this.rowFile.done || (this.waiting.size === 0 && !this.runFile.done)) this.runFile.step(this.onRecord);
      else this.rowFile.step(this.onRow);
      while (this.ready < this.items.length && this.items[this.ready]!.row) this.ready++;
      if (this.runFile.done && this.rowFile.done) this.finish();
    } catch (err) {
      this.failure = err instanceof ReviewError ? err : new ReviewError(`indexing stopped: ${(err as Error).message}`);
      throw this.failure;
    }
  }

  private readonly onRow = (text: string, l: IndexedLine): void => {
    const path = this.rowFile.path;
    const v = parseLine(path, l, text);
    if (v === null || typeof v !== "object" || Array.isArray(v))
      throw new ReviewError(`${path}:${l.line}: a row must be a JSON object`);
    const id = rowId(v, l.line);
    if (this.rows.has(id)) throw new ReviewError(`${path}:${l.line}: row id \`${id}\` appears twice`);
    this.rows.set(id, l);
    const i = this.waiting.get(id);
    if (i !== undefined) {
      this.items[i]!.row = l;
      this.waiting.delete(id);
    }
  };

  private readonly onRecord = (text: string, l: IndexedLine): void => {
    const path = this.runFile.path;
    const r = parseLine(path, l, text) as Record<string, unknown> | null;
    if (!r || typeof r !== "object" || (typeof r.item_id !== "string" && typeof r.item_id !== "number"))
      throw new ReviewError(`${path}:${l.line}: not a run record (no \`item_id\`)`);
    if (!this.firstRecord && (typeof r.preferred === "string" || r.scale)) this.firstRecord = r;
    const sum = summarise(r);
    if (this.byId.has(sum.id)) throw new ReviewError(`${path}:${l.line}: item \`${sum.id}\` appears twice in the run`);
    const row = this.rows.get(sum.id) ?? null;
    this.byId.set(sum.id, this.items.length);
    if (!row) this.waiting.set(sum.id, this.items.length);
    this.items.push({ ...sum, run: l, row });
  };

  private finish(): void {
    if (this.waiting.size) {
      const missing = [...this.waiting.values()].sort((a, b) => a - b).map((i) => this.items[i]!.id);
      throw new ReviewError(
        `${missing.length} of ${this.items.length} items in \`${this.runFile.path}\` have no row in \`${this.rowFile.path}\` ` +
          `(first: ${missing
            .slice(0, 3)
            .map((m) => `\`${m}\``)
            .join(", ")}); pass the rows file the run judged`,
      );
    }
    if (!this.items.length) throw new ReviewError(`\`${this.runFile.path}\` has no items to review`);
    this.rows.clear(); // only needed to match items; the offsets live on in the items
  }

  close(): void {
    this.runFile.close();
    this.rowFile.close();
  }
}
