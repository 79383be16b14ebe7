/** Word-level text changes (the `diff` package) and word-bag similarity for matching renames. */
import { diffPackage } from "../util/packages.js";

export interface TextChange {
  readonly before: string;
  readonly after: string;
  /** `[-removed-]{+added+}` inline, for terminals and Markdown. */
  readonly inline: string;
  readonly added: string[];
  readonly removed: string[];
}

/** Word-level change between two texts; null when they are equal. */
export function textChange(before: string, after: string): TextChange | null {
  if (before === after) return null;
  let inline = "";
  const added: string[] = [];
  const removed: string[] = [];
  for (const p of diffPackage().diffWords(before, after)) {
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

/**
 * Where each removed or added piece sits in the *new* text: `after` offsets of added parts, and
 * for removed parts the offset in the new text where they used to be. Lets a finding about a
 * deletion point at the place it happened.
 */
export function changedSpans(
  before: string,
  after: string,
): { kind: "added" | "removed"; value: string; at: number; beforeAt: number }[] {
  const out: { kind: "added" | "removed"; value: string; at: number; beforeAt: number }[] = [];
  let a = 0;
  let b = 0;
  for (const p of diffPackage().diffWords(before, after)) {
    if (p.added) {
      out.push({ kind: "added", value: p.value, at: a, beforeAt: b });
      a += p.value.length;
    } else if (p.removed) {
      out.push({ kind: "removed", value: p.value, at: a, beforeAt: b });
      b += p.value.length;
    } else {
      a += p.value.length;
      b += p.value.length;
    }
  }
  return out;
}

export function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A text's word multiset, built once so a rename search over n × m criteria tokenises n + m texts. */
export function wordBag(s: string): { readonly counts: ReadonlyMap<string, number>; readonly size: number } {
  const counts = new Map<string, number>();
  const ws = words(s);
  for (const w of ws) counts.set(w, (counts.get(w) ?? 0) + 1);
  return { counts, size: ws.length };
}

/** Dice coefficient on word multisets, in [0, 1]: 2·shared / (|a| + |b|). */
export function bagSimilarity(a: ReturnType<typeof wordBag>, b: ReturnType<typeof wordBag>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  const [small, large] = a.counts.size <= b.counts.size ? [a, b] : [b, a];
  for (const [w, n] of small.counts) shared += Math.min(n, large.counts.get(w) ?? 0);
  return (2 * shared) / (a.size + b.size);
}

export function similarity(a: string, b: string): number {
  return bagSimilarity(wordBag(a), wordBag(b));
}

/** Collapse runs of whitespace: text blocks wrap sentences over lines, patterns should not care. */
export function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
