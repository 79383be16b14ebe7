import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Rounding, Scale } from "../../src/compile/ir.js";
import type { CriterionOutcome } from "../../src/score/index.js";
import {
  applyActions,
  combineSamples,
  countWords,
  parseNumber,
  runCheck,
  scaleSteps,
  scoreItem,
  toScale,
} from "../../src/score/index.js";
import { base, check, criterion, levels, lvl, met, outcomes, unmet } from "./fixtures.js";

const roundings = fc.constantFrom<Rounding>("half_up", "half_even", "down", "up");
const scale = fc
  .record({
    min: fc.integer({ min: -5, max: 5 }),
    step: fc.constantFrom(0.1, 0.2, 0.25, 0.5, 1, 2),
    n: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ min, step, n }): Scale => ({ kind: "numeric", min, max: Number((min + n * step).toFixed(2)), step }));

describe("scale (property)", () => {
  it("snaps every value onto one of the scale's own values, idempotently", () => {
    fc.assert(
      fc.property(scale, roundings, fc.double({ min: -100, max: 100, noNaN: true }), (s, r, v) => {
        const snapped = toScale(v, s, r);
        expect(scaleSteps(s)).toContain(snapped);
        expect(toScale(snapped, s, r)).toBe(snapped);
      }),
    );
  });
  it("never rounds down above or up below the value under down / up", () => {
    fc.assert(
      fc.property(scale, fc.double({ min: -100, max: 100, noNaN: true }), (s, v) => {
        if (s.kind !== "numeric" || v < s.min || v > s.max) return;
        // Within 1e-9 units of the step a value counts as on the grid (score/scale.ts SNAP), so
        // -1e-9 on a step-2 scale rounds down to 0; the slack is twice that, not a fixed 1e-9.
        const slack = 2e-9 * s.step;
        expect(toScale(v, s, "down")).toBeLessThanOrEqual(v + slack);
        expect(toScale(v, s, "up")).toBeGreaterThanOrEqual(v - slack);
      }),
    );
  });
});

const binaries = fc.array(fc.record({ weight: fc.integer({ min: 1, max: 5 }), met: fc.boolean() }), {
  minLength: 1,
  maxLength: 8,
});

describe("aggregation (property)", () => {
  it("is on the scale and never falls when an unmet criterion becomes met", () => {
    fc.assert(
      fc.property(
        binaries,
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        scale,
        roundings,
        (items, flip, penalty, s, r) => {
          const cs = items.map((it, i) => criterion(`c${i}`, { weight: it.weight }));
          const pen = criterion("pen", { weight: null, points: -penalty });
          const ir = base({ scale: s, criteria: [...cs, pen], aggregation: { method: "weighted_mean", rounding: r } });
          const os = items.map((it, i) => (it.met ? met(`c${i}`) : unmet(`c${i}`)));
          const before = scoreItem(ir, ir.criteria, [...os, unmet("pen")], []).raw_score!;
          expect(scaleSteps(s)).toContain(before);
          const k = flip % items.length;
          const after = scoreItem(ir, ir.criteria, [...os.map((o, i) => (i === k ? met(o.id) : o)), unmet("pen")], [])
            .raw_score!;
          expect(after).toBeGreaterThanOrEqual(before);
          // a penalty that becomes met never raises the score
          const penalised = scoreItem(ir, ir.criteria, [...os, met("pen")], []).raw_score!;
          expect(penalised).toBeLessThanOrEqual(before);
        },
      ),
    );
  });
  it("keeps levels between the lowest and highest score", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }), (ls) => {
        const ir = base({
          scale: { kind: "numeric", min: 1, max: 6, step: 1 },
          criteria: ls.map((_, i) => levels(`l${i}`, 1, 6)),
        });
        const score = scoreItem(
          ir,
          ir.criteria,
          ls.map((l, i) => lvl(`l${i}`, l)),
          [],
        ).raw_score!;
        // with equal weights and one shared 1..6 range the score lies between the lowest and highest level
        expect(score).toBeGreaterThanOrEqual(Math.min(...ls));
        expect(score).toBeLessThanOrEqual(Math.max(...ls));
      }),
    );
  });
  it("never ends above a cap or a fix that fired", () => {
    const action = fc.record({
      id: fc.constant("g"),
      action: fc.constantFrom<"cap" | "fix">("cap", "fix"),
      value: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.array(action, { maxLength: 5 }), (score, fired) => {
        const out = applyActions(score, fired);
        for (const f of fired) if (f.action === "cap") expect(out).toBeLessThanOrEqual(f.value);
        const fixes = fired.filter((f) => f.action === "fix").map((f) => f.value);
        if (fixes.length) expect(out).toBeLessThanOrEqual(Math.min(...fixes));
        else expect(out).toBeLessThanOrEqual(score);
      }),
    );
  });
});

describe("checks (property)", () => {
  it("never throw, whatever the pattern or input", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("", "i", "gu", "zz"),
        fc.string({ maxLength: 40 }),
        (pattern, flags, text) => {
          const r = runCheck(check("c", { kind: "regex", input: "response", pattern, flags, negate: false }), {
            response: text,
          });
          expect(typeof r.passed).toBe("boolean");
          const j = runCheck(check("j", { kind: "json", input: "response", schema: { type: "object" } }), {
            response: text,
          });
          expect(typeof j.detail).toBe("string");
        },
      ),
    );
  });
  it("count words as whitespace-split tokens", () => {
    const piece = fc.constantFrom(
      "a",
      "bc",
      " ",
      "  ",
      "\n",
      "\t",
      "\u00a0",
      "\u3000",
      "\u2028",
      "\ufeff",
      "\u200b",
      "\u0085",
      "é",
      "😀",
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((a) => a.join("")),
        (s) => {
          const reference = s.trim() === "" ? 0 : s.trim().split(/\s+/).length;
          expect(countWords(s)).toBe(reference);
        },
      ),
    );
  });
  it("read back integers and decimals written with thousands separators", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 99 }), (n, cents) => {
        const v = n + (Math.sign(n || 1) * cents) / 100;
        const written = v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        expect(parseNumber(`about ${written} units`)).toBeCloseTo(v, 6);
      }),
    );
  });
});

describe("combining samples (property)", () => {
  it("does not depend on the order of the samples", () => {
    const sample = fc.record({
      a: fc.constantFrom("met", "unmet"),
      l: fc.integer({ min: 1, max: 4 }),
      s: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 7 }), fc.integer(), (ss, seed) => {
        const judged = ss.map((x) => ({
          outcomes: outcomes({ ...(x.a === "met" ? met("a") : unmet("a")) } as CriterionOutcome, lvl("l", x.l)),
          raw_score: x.s,
        }));
        const shuffled = [...judged].sort(
          (p, q) => ((judged.indexOf(p) * 7919 + seed) % 13) - ((judged.indexOf(q) * 7919 + seed) % 13),
        );
        const s1 = { kind: "numeric", min: 1, max: 5, step: 1 } as const;
        const x = combineSamples(judged, s1, "half_up");
        const y = combineSamples(shuffled, s1, "half_up");
        expect(y.outcomes.get("a")).toEqual(x.outcomes.get("a"));
        expect(y.outcomes.get("l")).toEqual(x.outcomes.get("l"));
        expect(y.raw_score).toBe(x.raw_score);
        expect(y.spread.agreement).toEqual(x.spread.agreement);
      }),
    );
  });
});
