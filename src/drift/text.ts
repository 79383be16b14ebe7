/** Word-level text changes (the `diff` package) and locating a phrase in the new source. */
import { diffWords } from "diff";

export interface TextChange {
  readonly before: string;
  readonly after: string;
  /** `[-removed-]{+added+}` inline, for terminals and Markdown. */
  readonly inline: string;
  readonly added: string[];
  readonly removed: string[];
}

export function textChange(before: string, after: string): TextChange | null {
  if (before === after) return null;
  const parts = diffWords(before, after);
  let inline = "";
  const added: string[] = [];
  const removed: string[] = [];
  for (const p of parts) {
    if (p.added) {
      inline += `{+${p.value}+}`;
      added.push(p.value);
    } else if (p.removed) {
      inline += `[-${p.value}-]`;
      removed.push(p.value);
    } else inline += p.value;
  }
  return { before, after, inline, added, removed };
}

/** Similarity of two texts in [0, 1]: shared words over all words (Dice on word multisets). */
export function similarity(a: string, b: string): number {
  const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const wa = words(a);
  const wb = words(b);
  if (wa.length === 0 && wb.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of wb) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      shared++;
      counts.set(w, c - 1);
    }
  }
  return (2 * shared) / (wa.length + wb.length);
}

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Where a phrase first appears in the source, ignoring differences in whitespace. */
export function locate(source: string | undefined, phrase: string): SourcePosition | null {
  if (!source) return null;
  const words = phrase.trim().split(/\s+/).filter(Boolean).slice(0, 8);
  if (words.length === 0) return null;
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+"), "i");
  const m = pattern.exec(source);
  if (!m) return null;
  const before = source.slice(0, m.index);
  const line = before.split("\n").length;
  return { line, column: m.index - before.lastIndexOf("\n") };
}
