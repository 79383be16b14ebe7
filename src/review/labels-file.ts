/**
 * The labels file as calibrate and agree read it: one `{item_id, label, …}` line per labelled
 * item, the latest entry for each item from the journal. Written to a temp file, fsynced, then
 * renamed over the old one, so a reader sees the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { LabelEntry } from "./journal.js";

/** The latest entry per item; items whose latest entry clears the label are left out. */
export function latestLabels(entries: readonly LabelEntry[]): Map<string, LabelEntry> {
  const out = new Map<string, LabelEntry>();
  for (const e of entries) {
    if (e.label === null) out.delete(e.item_id);
    else out.set(e.item_id, e);
  }
  return out;
}

export function labelsText(labels: ReadonlyMap<string, LabelEntry>, order: readonly string[]): string {
  let out = "";
  const seen = new Set<string>();
  const line = (e: LabelEntry) =>
    `${JSON.stringify({
      item_id: e.item_id,
      label: e.label,
      rater: e.rater,
      ...(e.criteria && Object.keys(e.criteria).length ? { criteria: e.criteria } : {}),
      ...(e.comment ? { comment: e.comment } : {}),
      at: e.at,
    })}\n`;
  // Run order first, so the file diffs well between saves; labels for items not in this run after.
  for (const id of order) {
    const e = labels.get(id);
    if (e) {
      out += line(e);
      seen.add(id);
    }
  }
  for (const [id, e] of labels) if (!seen.has(id)) out += line(e);
  return out;
}

export function writeLabelsDurably(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  // The rename itself is durable only once the directory is synced (not possible everywhere).
  try {
    const dfd = openSync(dirname(path), "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some platforms cannot fsync a directory */
  }
}
