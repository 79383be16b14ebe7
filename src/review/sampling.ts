/**
 * The order in which the app shows items. Seeded, so a reviewer who reloads gets the same
 * order; every mode is a permutation of the items (or, for `unlabelled`, of those not yet
 * labelled when the order was asked for).
 */
import { prng } from "../util/prng.js";

export type SampleMode = "run" | "random" | "stratified" | "disagreements" | "unlabelled";
export const SAMPLE_MODES: readonly SampleMode[] = ["run", "random", "stratified", "disagreements", "unlabelled"];

interface Sortable {
  readonly id: string;
  readonly score: number | null;
  readonly doubt: number;
}

function shuffle(xs: number[], seed: number): number[] {
  const r = prng(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export function order(
  items: readonly Sortable[],
  mode: SampleMode,
  seed: number,
  labelOf: (id: string) => number | string | null,
): number[] {
  const all = items.map((_, i) => i);
  switch (mode) {
    case "run":
      return all;
    case "random":
      return shuffle(all, seed);
    case "unlabelled":
      return shuffle(
        all.filter((i) => labelOf(items[i]!.id) === null),
        seed,
      );
    case "stratified": {
      // Round-robin over the judge's score levels, each shuffled: the first k items cover every level.
      const strata = new Map<string, number[]>();
      for (const i of all) {
        const k = String(items[i]!.score);
        const s = strata.get(k) ?? [];
        s.push(i);
        strata.set(k, s);
      }
      const lists = [...strata.keys()].sort().map((k, n) => shuffle(strata.get(k)!, seed + n + 1));
      const out: number[] = [];
      for (let j = 0; out.length < all.length; j++) for (const l of lists) if (j < l.length) out.push(l[j]!);
      return out;
    }
    case "disagreements": {
      // Items the human already scored away from the judge first, then the judge's least sure.
      const key = (i: number) => {
        const it = items[i]!;
        const l = labelOf(it.id);
        const human =
          l === null || it.score === null
            ? 0
            : typeof l === "number"
              ? Math.abs(l - it.score)
              : Number(({ A: 1, tie: 0.5, B: 0 } as Record<string, number>)[l] !== it.score);
        return [human, it.doubt] as const;
      };
      const keys = all.map(key);
      const tie = shuffle(all.slice(), seed);
      const rank = new Int32Array(all.length);
      tie.forEach((i, r) => {
        rank[i] = r;
      });
      return all.sort((a, b) => keys[b]![0] - keys[a]![0] || keys[b]![1] - keys[a]![1] || rank[a]! - rank[b]!);
    }
  }
}
