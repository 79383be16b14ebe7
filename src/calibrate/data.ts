/**
 * Reading what calibration and agreement work on: run records and human labels, joined on
 * `item_id`. Every problem names its file and line; nothing is joined by position.
 */
import { readFileSync } from "node:fs";
import { parseJsonl } from "../util/jsonl.js";

export class DataError extends Error {}

export interface RunItem {
  readonly item_id: string;
  readonly line: number;
  readonly record: Record<string, unknown>;
}

export function readRun(path: string): { items: RunItem[]; failed: number } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DataError(
      `cannot read run \`${path}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const { rows, problems } = parseJsonl(text);
  if (problems.length) throw new DataError(`${path}:${problems[0]!.line}: ${problems[0]!.message}`);
  const items: RunItem[] = [];
  const seen = new Map<string, number>();
  let failed = 0;
  for (const r of rows) {
    const rec = r.value as Record<string, unknown>;
    if (rec === null || typeof rec !== "object" || typeof rec.item_id !== "string")
      throw new DataError(`${path}:${r.line}: not a run record (no \`item_id\`)`);
    if (seen.has(rec.item_id))
      throw new DataError(
        `${path}:${r.line}: item \`${rec.item_id}\` appears twice (first on line ${seen.get(rec.item_id)})`,
      );
    seen.set(rec.item_id, r.line);
    if (rec.error !== undefined || typeof rec.raw_score !== "number") {
      failed++;
      continue;
    }
    items.push({ item_id: rec.item_id, line: r.line, record: rec });
  }
  return { items, failed };
}

/**
 * Labels as JSONL `{"item_id", "label"}` or CSV with an `item_id,label` header. With `kind:
 * "any"` a label may be text (pairwise labels are `A`, `B` or `tie`); numeric text becomes a
 * number either way.
 */
export function readLabels(path: string): Map<string, number>;
export function readLabels(path: string, opts: { kind: "any" }): Map<string, number | string>;
export function readLabels(path: string, opts: { kind?: "number" | "any" } = {}): Map<string, number | string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DataError(
      `cannot read labels \`${path}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const labels = new Map<string, number | string>();
  const add = (id: unknown, label: unknown, line: number) => {
    if (id === undefined || id === null || id === "") throw new DataError(`${path}:${line}: missing \`item_id\``);
    const n =
      typeof label === "number" ? label : typeof label === "string" && label.trim() !== "" ? Number(label) : NaN;
    let value: number | string = n;
    if (!Number.isFinite(n)) {
      if (opts.kind !== "any" || typeof label !== "string" || label.trim() === "")
        throw new DataError(`${path}:${line}: label ${JSON.stringify(label)} is not a number`);
      value = label.trim();
    }
    const key = String(id);
    if (labels.has(key)) throw new DataError(`${path}:${line}: item \`${key}\` is labelled twice`);
    labels.set(key, value);
  };
  if (/\.csv$/i.test(path)) {
    const lines = text.split(/\r?\n/);
    const header = lines[0]!.split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
    const iid = header.indexOf("item_id");
    const il = header.indexOf("label");
    if (iid === -1 || il === -1)
      throw new DataError(
        `${path}:1: the CSV header must name \`item_id\` and \`label\` columns, got ${header.join(",")}`,
      );
    lines.slice(1).forEach((l, i) => {
      if (l.trim() === "") return;
      const cells = l.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
      add(cells[iid], cells[il], i + 2);
    });
  } else {
    const { rows, problems } = parseJsonl(text);
    if (problems.length) throw new DataError(`${path}:${problems[0]!.line}: ${problems[0]!.message}`);
    for (const r of rows) {
      const v = r.value as Record<string, unknown>;
      add(v?.item_id, v?.label, r.line);
    }
  }
  if (labels.size === 0) throw new DataError(`${path}: no labels`);
  return labels;
}

export interface Joined {
  readonly item: RunItem;
  readonly label: number;
}

/** Join on item_id; unlabelled items are left out, but a label with no record is an error. */
export function join(
  items: readonly RunItem[],
  labels: ReadonlyMap<string, number>,
  opts: { failedIds?: ReadonlySet<string> } = {},
): Joined[] {
  const byId = new Map(items.map((i) => [i.item_id, i]));
  const missing = [...labels.keys()].filter((id) => !byId.has(id) && !opts.failedIds?.has(id));
  if (missing.length === labels.size)
    throw new DataError(
      `no label joins the run: label ids look like \`${missing[0]}\`, run ids like \`${items[0]?.item_id ?? "(none)"}\``,
    );
  if (missing.length)
    throw new DataError(
      `${missing.length} labelled item${missing.length === 1 ? "" : "s"} not in the run (e.g. \`${missing[0]}\`); judge them or drop their labels`,
    );
  const out: Joined[] = [];
  for (const item of items) {
    const label = labels.get(item.item_id);
    if (label !== undefined) out.push({ item, label });
  }
  return out;
}

export const FEATURE_SETS = ["evidence_rejected", "spread", "criteria"] as const;
export type FeatureSet = (typeof FEATURE_SETS)[number];

/** Feature names and values for one record, in a fixed order. */
export function featuresOf(record: Record<string, unknown>, sets: readonly FeatureSet[]): [string[], number[]] {
  const names: string[] = [];
  const values: number[] = [];
  const criteria =
    (record.criteria as
      | { id: string; verdict?: string | null; level?: number | null; evidence?: { verified: boolean }[] }[]
      | undefined) ?? [];
  for (const set of sets) {
    if (set === "evidence_rejected") {
      names.push("evidence_rejected");
      values.push(criteria.reduce((a, c) => a + (c.evidence ?? []).filter((e) => !e.verified).length, 0));
    } else if (set === "spread") {
      names.push("spread");
      values.push((record.spread as { raw_score_sd?: number | null } | undefined)?.raw_score_sd ?? 0);
    } else {
      for (const c of [...criteria].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        names.push(`criterion:${c.id}`);
        values.push(c.level ?? (c.verdict === "met" ? 1 : c.verdict === "tie" ? 0.5 : 0));
      }
    }
  }
  return [names, values];
}
