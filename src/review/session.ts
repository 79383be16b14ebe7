/**
 * A review session: the run and its rows indexed (all before `open` returns, or in the
 * background after `begin`), the labels so far (journal replayed), and the operations the app
 * calls — show an item, order the items, save a label. Transport-free, so it is tested and
 * benchmarked without HTTP.
 */

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { readLabels } from "../calibrate/data.js";
import { locationName, parseConversation, segmentsOf } from "../util/conversation.js";
import { errnoOf } from "../util/errors.js";
import { Journal, type LabelEntry, replayJournal } from "./journal.js";
import { labelsText, latestLabels, writeLabelsDurably } from "./labels-file.js";
import { LineFile, type LineSource } from "./line-index.js";
import { ReviewLock } from "./lock.js";
import { type ItemSummary, ReviewError, RunIndex } from "./run-index.js";
import { order, type SampleMode } from "./sampling.js";
import { checkLabel, type ReviewScale, scaleValues } from "./scale.js";

export { type ItemSummary, ReviewError } from "./run-index.js";

export interface SessionOptions {
  readonly run: string;
  readonly input: string;
  /**
   * The rows, already read (`readRowLines`: CSV, TSV, Parquet, or JSONL with renamed columns);
   * without it `input` is JSONL, indexed in place by offset.
   */
  readonly rows?: LineSource;
  readonly labels: string;
  readonly rater: string;
  readonly scale?: ReviewScale;
  /** Criterion id → title and levels, from a bundle when one is given. */
  readonly criteria?: ReadonlyMap<string, { title: string; kind: string; levels: string[] }>;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

function scaleFromRecord(r: Record<string, unknown> | null): ReviewScale | null {
  if (!r) return null;
  if (typeof r.preferred === "string") return { kind: "pairwise" };
  const s = r.scale as { kind?: string; min?: number; max?: number; step?: number } | undefined;
  if (s?.kind === "numeric" && num(s.min) !== null && num(s.max) !== null && num(s.step))
    return { kind: "numeric", min: s.min!, max: s.max!, step: s.step! };
  return null;
}

/** Orders that rank every item by its judge score or label: they wait for the whole index. */
const NEEDS_ALL: readonly SampleMode[] = ["random", "stratified", "disagreements", "unlabelled"];

export class ReviewSession {
  readonly scale: ReviewScale;
  readonly warnings: string[] = [];
  private entries: LabelEntry[] = [];
  /** This rater's latest label per item. */
  private labels = new Map<string, LabelEntry>();
  private journal: Journal | null = null;
  private lock: ReviewLock | null = null;
  private background: Promise<void> | null = null;
  /** Wakes requests waiting for an item still being indexed. */
  private wake: (() => void)[] = [];
  private savedWhileIndexing = false;

  private constructor(
    readonly opts: SessionOptions,
    private readonly index: RunIndex,
  ) {
    this.scale = opts.scale ??
      (index.items.some((p) => p.preferred !== null) ? { kind: "pairwise" as const } : null) ??
      scaleFromRecord(index.firstRecord) ?? { kind: "numeric", min: 0, max: 1, step: 1 };
  }

  /** Opens a session with the whole run indexed (every order available at once). */
  static open(opts: SessionOptions): ReviewSession {
    const s = ReviewSession.begin(opts);
    try {
      while (!s.index.done) s.index.step();
      if (s.index.failure) throw s.index.failure;
    } catch (err) {
      s.close();
      throw err;
    }
    return s;
  }

  /**
   * Opens a session as soon as its first item can be shown; `indexInBackground` indexes the
   * rest between requests. Until it finishes, items are shown in run order and the orders that
   * rank every item are refused with a message saying so.
   */
  static begin(opts: SessionOptions): ReviewSession {
    const index = RunIndex.open(opts.run, opts.input, (path, what) => {
      if (what === "rows" && opts.rows) return opts.rows;
      try {
        return LineFile.open(path);
      } catch (err) {
        if (!errnoOf(err)) throw err;
        throw new ReviewError(`cannot read ${what} \`${path}\` (${errnoOf(err)})`);
      }
    });
    try {
      // The run's first chunk comes first; it settles the scale (pairwise if any record has a preference).
      while (!index.done && index.ready === 0) index.step();
      if (index.failure) throw index.failure;
    } catch (err) {
      index.close();
      throw err;
    }
    return new ReviewSession(opts, index);
  }

  get items(): readonly ItemSummary[] {
    return this.index.items;
  }

  get byId(): ReadonlyMap<string, number> {
    return this.index.byId;
  }

  get indexed(): boolean {
    return this.index.done;
  }

  /** Why indexing stopped early (a run and rows that do not match), or null. */
  get failure(): ReviewError | null {
    return this.index.failure;
  }

  /**
   * Indexes the rest of the run a chunk at a time, yielding to the event loop between chunks
   * so requests are answered meanwhile. Resolves when done; rejects with the indexing failure.
   */
  indexInBackground(): Promise<void> {
    this.background ??= (async () => {
      try {
        while (!this.index.done) {
          await new Promise<void>((r) => setImmediate(r));
          this.index.step();
          this.wakeUp();
        }
      } finally {
        this.wakeUp();
      }
      if (this.index.failure) throw this.index.failure;
      if (this.savedWhileIndexing && this.journal) this.writeLabels(); // labels in full run order
    })();
    return this.background;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  get journalPath(): string {
    return `${this.opts.labels}.journal`;
  }

  /**
   * Takes the labels file for this reviewer: the lock, the journal replayed (or seeded from an
   * existing labels file), and a first labels file written, so an unwritable folder is found
   * now rather than at the first label.
   */
  start(): void {
    const dir = dirname(this.opts.labels);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const fail = (what: string, err: unknown): never => {
      throw new ReviewError(
        `cannot write ${what} (${errnoOf(err) ?? (err as Error).message}); choose a writable --labels path`,
      );
    };
    try {
      this.lock = ReviewLock.acquire(`${this.opts.labels}.lock`, this.opts.rater).lock;
    } catch (err) {
      if (errnoOf(err)) fail(`\`${this.opts.labels}.lock\``, err);
      throw new ReviewError((err as Error).message);
    }
    try {
      const replay = replayJournal(this.journalPath);
      this.warnings.push(...replay.problems);
      this.entries = replay.entries;
      const other = this.entries.find((e) => e.rater !== this.opts.rater) ?? this.otherRaterInLabels();
      if (other)
        throw new ReviewError(
          `\`${this.opts.labels}\` holds labels by rater \`${other.rater}\`; a labels file belongs to one rater: give \`${this.opts.rater}\` its own --labels file (compare raters with \`rulers agree --labels A --against B\`)`,
        );
      const seed = this.entries.length === 0 && existsSync(this.opts.labels) ? this.seedFromLabels() : [];
      try {
        this.journal = Journal.open(this.journalPath);
      } catch (err) {
        fail(`the journal \`${this.journalPath}\``, err);
      }
      for (const e of seed) {
        this.journal!.append(e);
        this.entries.push(e);
      }
      for (const e of this.entries) {
        if (e.rater !== this.opts.rater) continue;
        const ok = e.label === null || checkLabel(this.scale, e.label).ok;
        if (!ok)
          this.warnings.push(
            `journal: item \`${e.item_id}\` has label ${JSON.stringify(e.label)}, outside the scale; shown as unlabelled`,
          );
        if (e.label === null || ok) {
          if (e.label === null) this.labels.delete(e.item_id);
          else this.labels.set(e.item_id, e);
        }
      }
      try {
        this.writeLabels();
      } catch (err) {
        fail(`\`${this.opts.labels}\``, err);
      }
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  private otherRaterInLabels(): { rater: string } | undefined {
    if (!existsSync(this.opts.labels)) return undefined;
    for (const line of readFileSync(this.opts.labels, "utf8").split("\n")) {
      if (!line.includes('"rater"')) continue;
      try {
        const r = (JSON.parse(line) as { rater?: unknown }).rater;
        if (typeof r === "string" && r !== this.opts.rater) return { rater: r };
      } catch {
        /* readLabels reports bad lines with their numbers */
      }
    }
    return undefined;
  }

  /** An existing labels file (made by hand or by an older session) becomes the journal's start. */
  private seedFromLabels(): LabelEntry[] {
    let map: Map<string, number | string>;
    try {
      map = readLabels(this.opts.labels, { kind: "any" });
    } catch (err) {
      throw new ReviewError(`${(err as Error).message}; fix or move the labels file`);
    }
    const at = new Date().toISOString();
    const out: LabelEntry[] = [];
    for (const [id, label] of map) {
      const c = checkLabel(this.scale, label);
      if (!c.ok) {
        this.warnings.push(`${this.opts.labels}: item \`${id}\`: ${c.message}; kept in the file, not shown`);
        continue;
      }
      out.push({ item_id: id, label: c.value, rater: this.opts.rater, at });
    }
    return out;
  }

  /** Releases the labels file; the session can still show items until `close`. */
  stop(): void {
    this.journal?.close();
    this.journal = null;
    this.lock?.release();
    this.lock = null;
  }

  close(): void {
    this.stop();
    this.index.close();
  }

  noteUrl(url: string): void {
    this.lock?.note(url);
  }

  private writeLabels(): void {
    const mine = latestLabels(this.entries.filter((e) => e.rater === this.opts.rater));
    writeLabelsDurably(
      this.opts.labels,
      labelsText(
        mine,
        this.items.map((i) => i.id),
      ),
    );
  }

  get labelled(): number {
    let n = 0;
    for (const id of this.labels.keys()) if (this.byId.has(id)) n++;
    return n;
  }

  meta() {
    const { bytes, of } = this.index.progress;
    return {
      rater: this.opts.rater,
      scale: this.scale,
      values: scaleValues(this.scale),
      /** Items that can be shown: all of them once indexing is done. */
      total: this.index.ready,
      labelled: this.labelled,
      run: this.opts.run,
      labels: this.opts.labels,
      warnings: this.warnings,
      indexing: { done: this.index.done, bytes, of },
      error: this.index.failure?.message ?? null,
    };
  }

  /** The items in `mode`'s order; while indexing, only run order (so far) is known. */
  order(mode: SampleMode, seed: number): number[] {
    if (!this.index.done && NEEDS_ALL.includes(mode))
      throw new ReviewError(
        `the \`${mode}\` order ranks every item; it is available when indexing finishes (${this.index.ready} items so far)`,
      );
    if (!this.index.done) return Array.from({ length: this.index.ready }, (_, i) => i);
    return order(this.items, mode, seed, (id) => this.labels.get(id)?.label ?? null);
  }

  /** `item(index)` once the index has reached it (at once for an indexed item; starts indexing if need be). */
  async itemWhenReady(index: number): Promise<ReturnType<ReviewSession["item"]>> {
    while (index >= this.index.ready && !this.index.done && Number.isSafeInteger(index) && index >= 0) {
      this.indexInBackground().catch(() => {}); // a failure is reported by `failure` and item()
      await new Promise<void>((r) => this.wake.push(r));
    }
    return this.item(index);
  }

  /** Everything the app shows for one item: the record, the row's texts, the current label. */
  item(index: number) {
    const it = index < this.index.ready ? this.items[index] : undefined;
    if (!it?.row)
      throw new ReviewError(
        this.index.done
          ? `no item ${index}; the run has ${this.index.ready}`
          : `item ${index} is not indexed yet (${this.index.ready} so far)`,
      );
    const rec = this.index.runFile.parse(it.run) as Record<string, unknown>;
    const row = this.index.rowFile.parse(it.row) as Record<string, unknown>;
    const texts: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) {
      if (k === "id") continue;
      if (typeof v === "string") texts[k] = v;
      else if (Array.isArray(v) || (typeof v === "object" && v !== null && "messages" in v)) {
        // A conversation is shown turn by turn, so quotes highlight inside the turn they cite.
        const c = parseConversation(v);
        if (c.ok) for (const seg of segmentsOf(c.turns)) texts[locationName(k, seg.turn, seg.field)] = seg.text;
      }
    }
    const criteria = (Array.isArray(rec.criteria) ? (rec.criteria as Record<string, unknown>[]) : []).map((c) => {
      const info = this.opts.criteria?.get(String(c.id));
      return {
        id: String(c.id),
        title: info?.title ?? null,
        kind: info?.kind ?? null,
        levels: info?.levels ?? [],
        verdict: c.verdict ?? c.level ?? null,
        rationale: typeof c.rationale === "string" ? c.rationale : null,
        evidence: (Array.isArray(c.evidence) ? (c.evidence as Record<string, unknown>[]) : []).map((e) => ({
          quote: String(e.quote ?? ""),
          verified: e.verified === true,
          input:
            typeof e.input !== "string"
              ? null
              : Number.isSafeInteger(e.turn) && typeof e.field === "string"
                ? locationName(e.input, e.turn as number, e.field)
                : e.input,
          start: Number.isSafeInteger(e.start) ? (e.start as number) : null,
          end: Number.isSafeInteger(e.end) ? (e.end as number) : null,
        })),
      };
    });
    return {
      index,
      id: it.id,
      score: it.score,
      preferred: it.preferred,
      calibrated: num(rec.calibrated_score),
      error: typeof rec.error === "string" ? rec.error : null,
      flags: Array.isArray(rec.flags) ? rec.flags.map(String) : [],
      criteria,
      texts,
      label: this.labels.get(it.id) ?? null,
    };
  }

  /**
   * Saves one label: checked against the scale, appended to the journal and fsynced, then the
   * labels file rewritten. The journal write is the commit point: if the labels file cannot be
   * written the label is still kept, and the error says so.
   */
  save(input: {
    item_id: string;
    label: unknown;
    criteria?: Record<string, string | number | boolean>;
    comment?: string;
  }): { entry: LabelEntry; labelled: number } {
    if (this.index.failure)
      throw new ReviewError(`not saved: ${this.index.failure.message}; labels saved before are in the journal`);
    if (!this.byId.has(input.item_id))
      throw new ReviewError(
        this.index.done
          ? `item \`${input.item_id}\` is not in this run`
          : `item \`${input.item_id}\` is not indexed yet; try again when indexing finishes`,
      );
    let label: number | string | null = null;
    if (input.label !== null) {
      const c = checkLabel(this.scale, input.label);
      if (!c.ok) throw new ReviewError(`item \`${input.item_id}\`: ${c.message}`);
      label = c.value;
    }
    if (!this.journal) throw new ReviewError("the review session is not started");
    const entry: LabelEntry = {
      item_id: input.item_id,
      label,
      rater: this.opts.rater,
      ...(input.criteria && Object.keys(input.criteria).length ? { criteria: input.criteria } : {}),
      ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}),
      at: new Date().toISOString(),
    };
    try {
      this.journal.append(entry);
    } catch (err) {
      throw new ReviewError(
        `could not save the label for \`${entry.item_id}\`: the journal \`${this.journalPath}\` cannot be written (${errnoOf(err) ?? (err as Error).message})`,
      );
    }
    this.entries.push(entry);
    if (!this.index.done) this.savedWhileIndexing = true;
    if (label === null) this.labels.delete(entry.item_id);
    else this.labels.set(entry.item_id, entry);
    try {
      this.writeLabels();
    } catch (err) {
      throw new ReviewError(
        `the label for \`${entry.item_id}\` is saved in the journal \`${this.journalPath}\`, but \`${this.opts.labels}\` could not be rewritten (${errnoOf(err) ?? (err as Error).message}); it will be on the next successful save`,
      );
    }
    return { entry, labelled: this.labelled };
  }
}
