/**
 * Counterfactual probes read back: how a pairwise verdict depends on one controlled attribute.
 * Each probe row (probes.ts) names its attribute (`probe_attribute`) and the side that carries it
 * (`probe_side`, "A" or "B"); a verdict for that side goes *toward* the attribute.
 *
 * - One rubric (`attributeBias`, the bias card): per attribute, verdicts toward and away from
 *   the attribute side (ties apart), the share toward among decided pairs, and the exact
 *   two-sided binomial test against ½. Each attribute has an expected direction: a judge should
 *   prefer the full answer over a truncated one (`length`) and the plain answer over one behind
 *   a refusal or deflection (`refusal`); for the others (position, verbosity, hedging, format)
 *   the content is the same, so any significant lean is a bias. A rubric is *biased* on an
 *   attribute when the Holm-adjusted p (over the attributes present) is at most alpha and the
 *   lean is not the expected one.
 * - Two rubrics (`attributeDrift`): per attribute, flips between the versions toward the
 *   attribute side and away from it, with the exact sign test, Holm-adjusted over the attributes;
 *   an attribute *drifts* when the adjusted p is at most alpha (at least one flip). Both versions'
 *   bias cards are reported beside it.
 */
import type { Pair, Rec } from "./records.js";
import { PREFERENCE } from "./records.js";
import { binomialTwoSided, holm } from "./stats.js";

export type Expected = "toward" | "away" | "neither";

/** What a verdict toward each built-in attribute means, and the lean a fair judge shows. */
export const ATTRIBUTES: Readonly<Record<string, { readonly side: string; readonly expected: Expected }>> = {
  length: { side: "the full answer (the other is truncated)", expected: "toward" },
  verbosity: { side: "the padded answer (same content, restated)", expected: "neither" },
  refusal: { side: "the answer behind a refusal or safety-deflection prefix", expected: "away" },
  hedging: { side: "the hedged answer (same content, with caveats)", expected: "neither" },
  format: { side: "the markdown answer (same content as a list)", expected: "neither" },
  position: { side: "the answer shown first (A)", expected: "neither" },
};

export interface Lean {
  readonly toward: number;
  readonly away: number;
  readonly ties: number;
  /** toward / (toward + away); null when every verdict is a tie. */
  readonly share_toward: number | null;
  readonly p_value: number;
}

export interface AttributeBias extends Lean {
  readonly attribute: string;
  readonly n: number;
  readonly side: string;
  readonly expected: Expected;
  readonly p_adjusted: number;
  readonly biased: boolean;
  readonly summary: string;
}

export interface AttributeDrift {
  readonly attribute: string;
  readonly n: number;
  readonly side: string;
  readonly base: Lean;
  readonly candidate: Lean;
  /** Flips between the versions toward the attribute side and away from it. */
  readonly flips: number;
  readonly toward: number;
  readonly away: number;
  readonly p_value: number;
  readonly p_adjusted: number;
  readonly drift: boolean;
  readonly summary: string;
}

export interface ProbeTag {
  readonly attribute: string;
  readonly side: "A" | "B";
}

/** The probe tag of a row, or null for a row that is not a counterfactual probe. */
export function probeTag(row: Record<string, unknown> | undefined): ProbeTag | null {
  const attribute = row?.probe_attribute;
  const side = row?.probe_side;
  if (typeof attribute !== "string" || attribute === "" || (side !== "A" && side !== "B")) return null;
  return { attribute, side };
}

/** +1 when the verdict went to the tagged side, −1 when to the other, 0 for a tie or no verdict. */
function direction(preferred: unknown, side: "A" | "B"): -1 | 0 | 1 {
  if (preferred === "tie" || typeof preferred !== "string" || !(preferred in PREFERENCE)) return 0;
  return preferred === side ? 1 : -1;
}

function lean(dirs: readonly number[]): Lean {
  let toward = 0;
  let away = 0;
  for (const d of dirs) {
    if (d > 0) toward++;
    else if (d < 0) away++;
  }
  const decided = toward + away;
  return {
    toward,
    away,
    ties: dirs.length - decided,
    share_toward: decided ? toward / decided : null,
    p_value: binomialTwoSided(toward, decided),
  };
}

const pct = (x: number | null) => (x === null ? "–" : `${Math.round(x * 100)}%`);
const sideOf = (attribute: string) => ATTRIBUTES[attribute]?.side ?? `the side with ${attribute}`;

function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    if (k === null) continue;
    const g = out.get(k);
    if (g) g.push(t);
    else out.set(k, [t]);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The bias card of one run over probe rows. */
export function attributeBias(
  records: readonly Rec[],
  probe: ReadonlyMap<string, Record<string, unknown>>,
  alpha = 0.05,
): AttributeBias[] {
  const tagged = records
    .filter((r) => r.error === undefined || r.error === null)
    .map((r) => ({ r, tag: probeTag(probe.get(r.item_id)) }))
    .filter((x): x is { r: Rec; tag: ProbeTag } => x.tag !== null);
  const groups = groupBy(tagged, (x) => x.tag.attribute);
  const rows = [...groups].map(([attribute, xs]) => ({
    attribute,
    n: xs.length,
    ...lean(xs.map((x) => direction(x.r.preferred, x.tag.side))),
  }));
  const adjusted = holm(rows.map((r) => r.p_value));
  return rows.map((r, i) => {
    const expected = ATTRIBUTES[r.attribute]?.expected ?? "neither";
    const leans = r.share_toward === null || r.share_toward === 0.5 ? null : r.share_toward > 0.5 ? "toward" : "away";
    const biased = adjusted[i]! <= alpha && leans !== null && leans !== expected;
    return {
      ...r,
      side: sideOf(r.attribute),
      expected,
      p_adjusted: adjusted[i]!,
      biased,
      summary: `prefers ${sideOf(r.attribute)} in ${r.toward} of ${r.toward + r.away} decided pairs (${pct(r.share_toward)}; ${r.ties} ties), p = ${adjusted[i]!.toPrecision(2)} adjusted${biased ? " — biased" : ""}`,
    };
  });
}

/** Per-attribute drift between two paired runs over probe rows. */
export function attributeDrift(
  pairs: readonly Pair[],
  probe: ReadonlyMap<string, Record<string, unknown>>,
  alpha = 0.05,
): AttributeDrift[] {
  const tagged = pairs
    .map((p) => ({ p, tag: probeTag(probe.get(p.id)) }))
    .filter((x): x is { p: Pair; tag: ProbeTag } => x.tag !== null);
  const groups = groupBy(tagged, (x) => x.tag.attribute);
  const rows = [...groups].map(([attribute, xs]) => {
    let toward = 0;
    let away = 0;
    for (const { p, tag } of xs) {
      if (p.flip === 0) continue;
      // A flip toward A (+1) goes toward the attribute when the attribute is on A.
      if (p.flip > 0 === (tag.side === "A")) toward++;
      else away++;
    }
    return {
      attribute,
      n: xs.length,
      side: sideOf(attribute),
      base: lean(xs.map((x) => direction(x.p.base.preferred, x.tag.side))),
      candidate: lean(xs.map((x) => direction(x.p.cand.preferred, x.tag.side))),
      flips: toward + away,
      toward,
      away,
      p_value: binomialTwoSided(toward, toward + away),
    };
  });
  const adjusted = holm(rows.map((r) => r.p_value));
  return rows.map((r, i) => {
    const drift = r.flips > 0 && adjusted[i]! <= alpha;
    return {
      ...r,
      p_adjusted: adjusted[i]!,
      drift,
      summary:
        `${r.flips} of ${r.n} flipped: ${r.toward} toward ${r.side}, ${r.away} away (sign test p = ${adjusted[i]!.toPrecision(2)} adjusted); ` +
        `share toward ${pct(r.base.share_toward)} → ${pct(r.candidate.share_toward)}${drift ? " — DRIFT" : ""}`,
    };
  });
}
