/**
 * The risk summary of a rubric edit: wording patterns (patterns.ts) that appear in the new text
 * and nowhere in the old one, bias guards that disappeared, added emphasis, large growth in
 * length, and structural edits (re-weighting, removed criteria, scoring and gate changes). Each
 * finding names the field it came from and, given the new source, its 1-based line and column.
 *
 * Thresholds: a criterion is re-weighted when its share of the total weight moves by at least
 * 5 percentage points; a text has grown a lot when it at least doubles and gains 150 characters,
 * the rubric as a whole when its texts grow by at least 25% and 300 characters.
 */
import type { RubricIR } from "../compile/ir.js";
import type { RubricDiff } from "./diff.js";
import { phraseAt, type Scope, SourceLocator, type SourcePosition } from "./locate.js";
import { type MeaningKind, meaningChanges } from "./meaning.js";
import { BIAS_GUARD, CONDITIONAL, EMPHASIS, guardTopic, matchAll, ONE_SIDED, TIE_BREAK } from "./patterns.js";
import { changedSpans, squash } from "./text.js";

export type RiskPattern =
  | "tie-break-rule"
  | "one-sided-comparative"
  | "conditional-branch"
  | "removed-bias-guard"
  | "emphasis-added"
  | "length-growth"
  | "reweighting"
  | "criterion-added"
  | "criterion-removed"
  | "scoring-changed"
  | "gate-changed"
  | "judge-changed"
  | Exclude<MeaningKind, "reworded">;

export type RiskLevel = "none" | "low" | "high";

/**
 * The level of each kind of finding. High: edits that change what is rewarded or how the
 * verdict is reached (criteria, weights, scoring, factors, guards, decision rules, value
 * statements, removed prose). Low: edits worth a look that rarely move a judge on their own
 * (emphasis, conditionals, growth, examples, judge settings); the word-pattern guard check is
 * low because meaning.ts decides guards by dimension, rewordings included.
 */
export const RISK_LEVEL: Readonly<Record<RiskPattern, "low" | "high">> = {
  "tie-break-rule": "high",
  "one-sided-comparative": "high",
  "conditional-branch": "low",
  "removed-bias-guard": "low",
  "emphasis-added": "low",
  "length-growth": "low",
  reweighting: "high",
  "criterion-added": "high",
  "criterion-removed": "high",
  "scoring-changed": "high",
  "gate-changed": "high",
  "judge-changed": "low",
  "factor-removed": "high",
  "factor-added": "high",
  "guard-removed": "high",
  "guard-one-sided": "high",
  "decision-rule-added": "high",
  "value-statement-added": "high",
  "prose-removed": "high",
  "rule-changed": "high",
  "sentence-added": "low",
  "sentence-removed": "low",
};

export interface Finding {
  readonly pattern: RiskPattern;
  readonly risk: "low" | "high";
  /** The field it concerns: `instructions`, `criterion concise: description`, `scale`. */
  readonly where: string;
  readonly message: string;
  /** The wording that triggered it. */
  readonly text?: string;
  readonly line?: number;
  readonly column?: number;
}

export const REWEIGHT_SHARE = 0.05;
export const GROWTH = { unitFactor: 2, unitChars: 150, totalFactor: 1.25, totalChars: 300 } as const;

export interface Unit {
  readonly where: string;
  readonly scope: Scope;
  readonly text: string;
}

/** Every text of a rubric, keyed so the same text of both versions pairs up (criteria by new id). */
export function textUnits(r: RubricIR, idOf: (id: string) => string = (id) => id): Map<string, Unit> {
  const out = new Map<string, Unit>();
  const put = (key: string, where: string, scope: Scope, text: string) => {
    if (text.trim() !== "") out.set(key, { where, scope, text: squash(text) });
  };
  put("title", "title", { kind: "header" }, r.title);
  put("description", "description", { kind: "header" }, r.description);
  put("instructions", "instructions", { kind: "instructions" }, r.instructions);
  for (const i of r.inputs) put(`input ${i.name}`, `input ${i.name}`, { kind: "input", id: i.name }, i.description);
  for (const c of r.criteria) {
    const id = idOf(c.id);
    const scope: Scope = { kind: "criterion", id: c.id };
    put(`criterion ${id} title`, `criterion ${id}: title`, scope, c.title);
    put(`criterion ${id} description`, `criterion ${id}: description`, scope, c.description);
    for (const l of c.levels)
      put(`criterion ${id} level ${l.value}`, `criterion ${id}: level ${l.value}`, scope, l.anchor);
  }
  for (const c of r.checks) put(`check ${c.id} title`, `check ${c.id}: title`, { kind: "check", id: c.id }, c.title);
  for (const g of r.gates) put(`gate ${g.id} title`, `gate ${g.id}: title`, { kind: "gate", id: g.id }, g.title);
  return out;
}

const NEGATED = /\b(?:not|n't|never|no|nor)\s+(?:\w+\s+)?$/i;

export function riskFindings(
  a: RubricIR,
  b: RubricIR,
  diff: Omit<RubricDiff, "risk" | "verdict">,
  newSource?: string,
): Finding[] {
  const loc = newSource ? new SourceLocator(newSource) : null;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const add = (pattern: RiskPattern, where: string, message: string, pos: SourcePosition | null, text?: string) => {
    const key = `${pattern}|${where}|${text ?? message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({
      pattern,
      risk: RISK_LEVEL[pattern],
      where,
      message,
      ...(text ? { text } : {}),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    });
  };
  const at = (u: Unit, offset: number) => loc?.find(phraseAt(u.text, offset), u.scope) ?? loc?.start(u.scope) ?? null;

  const renamedTo = new Map(diff.criteria.filter((c) => c.renamed_from).map((c) => [c.renamed_from!, c.id]));
  const before = textUnits(a, (id) => renamedTo.get(id) ?? id);
  const after = textUnits(b);
  const oldAll = [...before.values()].map((u) => u.text.toLowerCase()).join("\n");
  const newAll = [...after.values()].map((u) => u.text.toLowerCase()).join("\n");

  for (const [key, u] of after) {
    const old = before.get(key)?.text ?? "";
    if (old === u.text) continue;
    // New wording: a match the old rubric has nowhere (moving a sentence is not adding it).
    const fresh = (re: RegExp) => matchAll(re, u.text).filter((m) => !oldAll.includes(m.text.toLowerCase()));
    for (const m of fresh(TIE_BREAK)) {
      if (NEGATED.test(u.text.slice(Math.max(0, m.index - 20), m.index))) continue;
      add("tie-break-rule", u.where, `new preference or tie-break rule: \`${m.text}\``, at(u, m.index), m.text);
    }
    for (const m of fresh(ONE_SIDED))
      add("one-sided-comparative", u.where, `new one-sided comparison: \`${m.text}\``, at(u, m.index), m.text);
    for (const m of fresh(CONDITIONAL))
      add("conditional-branch", u.where, `new conditional branch: \`${m.text}\``, at(u, m.index), m.text);

    const emphBefore = matchAll(EMPHASIS, old).length;
    const emphAfter = matchAll(EMPHASIS, u.text);
    if (emphAfter.length > emphBefore) {
      // Point at emphasis inside the added words; the count decides, the diff only locates.
      const spans = old ? changedSpans(old, u.text).filter((s) => s.kind === "added") : [{ value: u.text, at: 0 }];
      const addedHits = spans.flatMap((s) =>
        matchAll(EMPHASIS, s.value).map((m) => ({ text: m.text, index: s.at + m.index })),
      );
      const hits = addedHits.length ? addedHits : emphAfter;
      const list = [...new Set(hits.map((h) => h.text.toLowerCase()))].map((w) => `\`${w}\``).join(", ");
      add(
        "emphasis-added",
        u.where,
        `emphasis words added (${emphBefore} → ${emphAfter.length}): ${list}`,
        at(u, hits[0]!.index),
        hits[0]!.text,
      );
    }
    if (old && u.text.length >= GROWTH.unitFactor * old.length && u.text.length - old.length >= GROWTH.unitChars) {
      const grown = changedSpans(old, u.text)
        .filter((s) => s.kind === "added")
        .sort((x, y) => y.value.length - x.value.length)[0];
      add("length-growth", u.where, `grew from ${old.length} to ${u.text.length} characters`, at(u, grown?.at ?? 0));
    }
  }

  // Meaning: sentences aligned between the versions of each text (meaning.ts).
  const context = {
    oldAll: [...before.values()].map((u) => u.text).join("\n"),
    newAll: [...after.values()].map((u) => u.text).join("\n"),
  };
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const u = after.get(key);
    const old = before.get(key);
    if (!u || !old || u.text === old.text) continue;
    for (const m of meaningChanges(old.text, u.text, context)) {
      if (m.kind === "reworded") continue;
      const idx = u.text.indexOf(m.text);
      add(m.kind, u.where, m.message, idx >= 0 ? at(u, idx) : (loc?.start(u.scope) ?? null), m.text);
    }
  }

  // Bias guards: gone when neither the phrase nor a guard on the same topic is left anywhere.
  const newTopics = new Set(matchAll(BIAS_GUARD, newAll).map((m) => guardTopic(m.text)));
  for (const [key, u] of before) {
    const now = after.get(key);
    if (now?.text === u.text) continue;
    for (const m of matchAll(BIAS_GUARD, u.text)) {
      if (newAll.includes(m.text.toLowerCase()) || newTopics.has(guardTopic(m.text))) continue;
      let pos: SourcePosition | null = null;
      if (now) {
        const span = changedSpans(u.text, now.text).find(
          (s) => s.kind === "removed" && s.beforeAt <= m.index + m.text.length && m.index < s.beforeAt + s.value.length,
        );
        pos = at(now, span?.at ?? 0);
      }
      add(
        "removed-bias-guard",
        now ? now.where : `${u.where} (removed)`,
        `bias guard removed: \`${m.text}\``,
        pos,
        m.text,
      );
    }
  }

  const totalBefore = [...before.values()].reduce((s, u) => s + u.text.length, 0);
  const totalAfter = [...after.values()].reduce((s, u) => s + u.text.length, 0);
  if (totalAfter >= GROWTH.totalFactor * totalBefore && totalAfter - totalBefore >= GROWTH.totalChars) {
    add(
      "length-growth",
      "rubric text",
      `the rubric's text grew from ${totalBefore} to ${totalAfter} characters (+${Math.round((totalAfter / Math.max(1, totalBefore) - 1) * 100)}%)`,
      null,
    );
  }

  const pct = (x: number | null) => `${((x ?? 0) * 100).toFixed(0)}%`;
  const crit = (id: string): Scope => ({ kind: "criterion", id });
  for (const c of diff.criteria) {
    if (c.status === "removed")
      add(
        "criterion-removed",
        `criterion ${c.id}`,
        `criterion \`${c.id}\` was removed; it carried ${pct(c.share_before)} of the weight`,
        null,
      );
    else if (c.status === "added")
      add(
        "criterion-added",
        `criterion ${c.id}`,
        `criterion \`${c.id}\` was added with ${pct(c.share_after)} of the weight`,
        loc?.start(crit(c.id)) ?? null,
      );
    else if (
      c.share_before !== null &&
      c.share_after !== null &&
      Math.abs(c.share_after - c.share_before) >= REWEIGHT_SHARE - 1e-12
    ) {
      const pos = loc?.match(/^[ \t]*(?:weight|points)\b/m, crit(c.id)) ?? loc?.start(crit(c.id)) ?? null;
      add(
        "reweighting",
        `criterion ${c.id}`,
        `\`${c.id}\` now carries ${pct(c.share_after)} of the weight, was ${pct(c.share_before)}`,
        pos,
      );
    }
  }
  for (const c of diff.changes) {
    const head = c.field.split(".")[0]!;
    if (head === "scale" || head === "mode" || head === "aggregation") {
      const scope: Scope = { kind: head === "aggregation" ? "aggregate" : head };
      add(
        "scoring-changed",
        c.field,
        `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`,
        loc?.start(scope) ?? null,
      );
    } else if (
      head === "judge" &&
      /^judge\.(?:temperature|samples|order|quote_match|on_evidence_failure)/.test(c.field)
    ) {
      add(
        "judge-changed",
        c.field,
        `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`,
        loc?.start({ kind: "judge" }) ?? null,
      );
    }
  }
  for (const g of diff.gates) {
    // A re-worded title changes nothing the judge or the score sees.
    const fields = g.changes.map((c) => c.field).filter((f) => f !== "title");
    if (g.status === "changed" && fields.length === 0) continue;
    const what = g.status === "changed" ? `${fields.join(", ")} changed` : g.status;
    add(
      "gate-changed",
      `gate ${g.id}`,
      `gate \`${g.id}\` ${what}`,
      g.status === "removed" ? null : (loc?.start({ kind: "gate", id: g.id }) ?? null),
    );
  }
  // Findings with a position in source order; the rest after them, as found.
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (x, y) => (x.f.line ?? Infinity) - (y.f.line ?? Infinity) || (x.f.column ?? 0) - (y.f.column ?? 0) || x.i - y.i,
    )
    .map((x) => x.f);
}
