/**
 * Which response features the flips follow. The features are deliberately simple, so a reader
 * can check them by eye:
 * - length: words (whitespace-separated tokens);
 * - refusal: 1 when the text declines or deflects ("I can't", "I cannot", "I'm unable", "I won't",
 *   "as an AI", "I'm sorry, but", "I must decline", "please consult a professional"), else 0;
 * - hedging: the number of hedges and caveats ("may", "might", "could", "possibly", "perhaps",
 *   "it depends", "not sure", "generally", "in some cases", "consult", "however", "likely",
 *   "typically");
 * - formatting: the number of list items and headings (lines starting with -, *, •, "1." or #).
 *
 * Pairwise, each item's feature difference d = f(A) − f(B) is set against the flip: a flip
 * toward A when d > 0, or toward B when d < 0, went toward the response with more of the feature.
 * Reported: the share of flips (with d ≠ 0) that did, its exact sign test, and the correlation of
 * d with the preference shift over all items. Pointwise: the correlation of f(response) with the
 * score shift over all items, and the mean feature of flips up vs flips down. A feature is said to
 * be *followed* when (pairwise) at least 5 flips separate the responses and the sign test,
 * Holm-adjusted over the four features, gives p ≤ alpha (default 0.05): the flips go significantly
 * one way, whatever the flip rate and however balanced the positions; (pointwise) at least 5 flips
 * and |r| ≥ 0.3. A followed feature named in `--fail-on` makes `drift` report drift.
 */
import type { Pair } from "./records.js";
import { binomialTwoSided, holm, pearson } from "./stats.js";

export interface ResponseFeatures {
  readonly length: number;
  readonly refusal: number;
  readonly hedging: number;
  readonly formatting: number;
}

export type FeatureName = keyof ResponseFeatures;

export const FEATURE_NAMES: readonly FeatureName[] = ["length", "refusal", "hedging", "formatting"];

export const FEATURE_DEFINITIONS: Readonly<Record<FeatureName, string>> = {
  length: "words (whitespace-separated tokens)",
  refusal: "1 when the response declines or deflects, else 0",
  hedging: "number of hedges and caveats (may, might, could, perhaps, it depends, however, …)",
  formatting: "number of list items and headings (lines starting with -, *, •, 1. or #)",
};

const REFUSAL =
  /\b(?:i can(?:'|’)?not|i can(?:'|’)t|i(?:'|’)m (?:not able|unable)|i am (?:not able|unable)|i won(?:'|’)t|i will not|as an ai\b|i(?:'|’)m sorry, but|i must decline|please consult (?:a|your) (?:doctor|professional|lawyer|physician))/i;
const HEDGES =
  /\b(?:may|might|could|possibly|perhaps|it depends|not sure|generally|in some cases|consult|however|likely|typically)\b/gi;
const FORMAT = /^\s*(?:[-*•]|\d+[.)]|#{1,6})\s+/gm;

export function featuresOf(text: string): ResponseFeatures {
  const t = text.trim();
  return {
    length: t === "" ? 0 : t.split(/\s+/).length,
    refusal: REFUSAL.test(t) ? 1 : 0,
    hedging: (t.match(HEDGES) ?? []).length,
    formatting: (t.match(FORMAT) ?? []).length,
  };
}

export interface FeatureFinding {
  readonly feature: FeatureName;
  readonly definition: string;
  /** Items with response texts that the numbers below are over. */
  readonly items: number;
  /** Correlation of the feature (pairwise: A − B) with the score shift; null when either is constant. */
  readonly correlation: number | null;
  /** pairwise: flips whose two responses differ on the feature */
  readonly flips_considered?: number;
  /** pairwise: of those, flips toward the response with more of it */
  readonly toward_more?: number;
  readonly share_toward_more?: number | null;
  /** pairwise: exact sign test of toward_more against the rest */
  readonly p_value?: number;
  /** pairwise: p_value after Holm's adjustment over the features */
  readonly p_adjusted?: number;
  /** pointwise: mean feature value of flips up and of flips down */
  readonly mean_up?: number | null;
  readonly mean_down?: number | null;
  readonly follows: boolean;
  readonly summary: string;
}

export interface FeatureSource {
  readonly probe: ReadonlyMap<string, Record<string, unknown>>;
  /** Pairwise: the two compared fields [A, B]; pointwise: the judged response field. */
  readonly fields: readonly [string] | readonly [string, string];
  /** Level of the (Holm-adjusted) sign test; default 0.05. */
  readonly alpha?: number;
}

const textOf = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const fmt = (x: number | null) => (x === null ? "–" : Number.isInteger(x) ? String(x) : x.toFixed(2));

export function featureFindings(
  pairs: readonly Pair[],
  mode: "pairwise" | "pointwise",
  src: FeatureSource,
): FeatureFinding[] {
  // Features of each item's texts, computed once for all four findings.
  const rows: { pair: Pair; f: ResponseFeatures[] }[] = [];
  for (const p of pairs) {
    const row = src.probe.get(p.id);
    if (row) rows.push({ pair: p, f: src.fields.map((name) => featuresOf(textOf(row[name]))) });
  }
  if (rows.length === 0) return [];
  const shifts = rows.map((r) => r.pair.c - r.pair.b);
  const flips = rows.filter((r) => r.pair.flip !== 0);
  const alpha = src.alpha ?? 0.05;
  const found = FEATURE_NAMES.map((name): FeatureFinding => {
    const base = { feature: name, definition: FEATURE_DEFINITIONS[name], items: rows.length };
    if (mode === "pairwise") {
      const d = rows.map((r) => r.f[0]![name] - (r.f[1]?.[name] ?? 0));
      const correlation = pearson(d, shifts);
      let considered = 0;
      let toward = 0;
      rows.forEach((r, i) => {
        if (r.pair.flip === 0 || d[i] === 0) return;
        considered++;
        if (Math.sign(d[i]!) === r.pair.flip) toward++;
      });
      const share = considered ? toward / considered : null;
      const p = binomialTwoSided(toward, considered);
      const follows = false; // decided below, after the adjustment over all features
      const summary =
        share === null
          ? `no flip separates the two responses by ${name}`
          : `${toward} of ${considered} flips (${Math.round(share * 100)}%) went toward the response with more ${name} (p = ${p.toPrecision(2)})`;
      return {
        ...base,
        correlation,
        flips_considered: considered,
        toward_more: toward,
        share_toward_more: share,
        p_value: p,
        follows,
        summary,
      };
    }
    const x = rows.map((r) => r.f[0]![name]);
    const correlation = pearson(x, shifts);
    const up = mean(flips.filter((r) => r.pair.flip > 0).map((r) => r.f[0]![name]));
    const down = mean(flips.filter((r) => r.pair.flip < 0).map((r) => r.f[0]![name]));
    const follows = correlation !== null && flips.length >= 5 && Math.abs(correlation) >= 0.3;
    const summary =
      correlation === null
        ? `${name} or the score shift does not vary`
        : `score shift correlates ${correlation >= 0 ? "+" : ""}${correlation.toFixed(2)} with ${name}; mean ${name} of flips up ${fmt(up)}, down ${fmt(down)}`;
    return { ...base, correlation, mean_up: up, mean_down: down, follows, summary };
  });
  if (mode !== "pairwise") return found;
  const adjusted = holm(found.map((f) => f.p_value ?? 1));
  return found.map((f, i) => ({
    ...f,
    p_adjusted: adjusted[i]!,
    follows: (f.flips_considered ?? 0) >= 5 && adjusted[i]! <= alpha,
  }));
}
