import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildProbes,
  compareRuns,
  detectionPower,
  holm,
  markdown,
  minimumDetectableFlipRate,
  PROBE_TEXT,
  plain,
  probesNeeded,
  type Rec,
  truncate,
} from "../../src/drift/index.js";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";
import { pairRec } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-probes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const B1 = "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json";
const B2 = "bundles/chat.helpfulness-pairwise/1.1.0/bundle.json";
const ROWS = "examples/pairwise-helpfulness.jsonl";

const ANSWER =
  "Drink water regularly. Sleep at least seven hours. Walk for thirty minutes a day. Eat vegetables with every meal.";

describe("probe transforms", () => {
  const rows = [
    { id: "r1", where: "row 1", value: { question: "How to stay healthy?", response: ANSWER, domain: "health" } },
    { id: "r2", where: "row 2", value: { question: "Again?", response: ANSWER } },
  ];

  it("each kind changes one attribute, tagged with the side that carries it, sides alternating", () => {
    const { probes, errors } = buildProbes(rows, { kinds: ["length", "refusal", "hedging", "format", "verbosity"] });
    expect(errors).toEqual([]);
    const of = (id: string) => probes.find((p) => p.id === id)!;
    const withIt = (p: Record<string, unknown>) => (p.probe_side === "A" ? p.response_a : p.response_b) as string;
    const without = (p: Record<string, unknown>) => (p.probe_side === "A" ? p.response_b : p.response_a) as string;
    expect(without(of("r1~length"))).toBe("Drink water regularly. Sleep at least seven hours.");
    expect(withIt(of("r1~length"))).toBe(ANSWER);
    expect(withIt(of("r1~refusal"))).toBe(`${PROBE_TEXT.refusalPrefix}\n\n${ANSWER}`);
    expect(without(of("r1~refusal"))).toBe(ANSWER);
    expect(withIt(of("r1~format"))).toBe(
      "**Answer**\n\n- Drink water regularly.\n- Sleep at least seven hours.\n- Walk for thirty minutes a day.\n- Eat vegetables with every meal.",
    );
    // the row's other fields travel with the probe; the source answer does not
    expect(of("r1~hedging")).toMatchObject({ question: "How to stay healthy?", domain: "health", probe_source: "r1" });
    expect(of("r1~hedging")).not.toHaveProperty("response");
    // sides alternate by row and by kind: exactly balanced over the two rows
    for (const kind of ["length", "refusal", "hedging", "format", "verbosity"])
      expect(new Set([of(`r1~${kind}`).probe_side, of(`r2~${kind}`).probe_side])).toEqual(new Set(["A", "B"]));
  });

  it("position gives the same pair in both orders, the attribute (first place) on A", () => {
    const { probes } = buildProbes(
      [{ id: "p", where: "row 1", value: { question: "q", response_a: "one answer", response_b: "another answer" } }],
      { kinds: ["position"] },
    );
    expect(probes.map((p) => [p.id, p.response_a, p.response_b, p.probe_side])).toEqual([
      ["p~position~ab", "one answer", "another answer", "A"],
      ["p~position~ba", "another answer", "one answer", "A"],
    ]);
  });

  it("is deterministic, skips what it cannot build and names bad rows", () => {
    const more = [
      ...rows,
      { id: "r3", where: "row 3", value: { response: 42 } },
      { id: "r4", where: "row 4", value: { response: "Too short." } },
    ];
    const a = buildProbes(more, { kinds: ["length", "refusal"] });
    const b = buildProbes(more, { kinds: ["length", "refusal"] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.errors).toEqual(["row 3: field `response` must be a non-empty string"]);
    expect(a.skipped).toEqual(["row 4: length needs an answer of at least 8 words"]);
    expect(a.probes.map((p) => p.id)).toEqual(["r1~length", "r1~refusal", "r2~length", "r2~refusal", "r4~refusal"]);
  });

  it("plain and markdown invert each other on list answers; truncation keeps whole sentences", () => {
    expect(plain("## Steps\n- **Boil** the water.\n- Add `tea`.")).toBe("Steps Boil the water. Add tea.");
    expect(markdown("Boil the water. Add tea.")).toBe("**Answer**\n\n- Boil the water.\n- Add tea.");
    expect(truncate("One. Two. Three.")).toBe("One. Two.");
    expect(truncate("a single sentence without any stop at all here")).toBe("a single sentence without any…");
  });
});

describe("planning", () => {
  it("power and sample sizes follow the exact sign test", () => {
    // no noise: m flips all one way reject once 2·2^−m ≤ 0.05, i.e. m ≥ 6; at n = 6, f = 1 that is certain
    expect(detectionPower(6, 1, { alpha: 0.05 })).toBeCloseTo(1, 12);
    expect(detectionPower(5, 1, { alpha: 0.05 })).toBe(0);
    // n = 10, f = 0.5: P(Binomial(10, ½) ≥ 6) = 386/1024
    expect(detectionPower(10, 0.5, { alpha: 0.05 })).toBeCloseTo(386 / 1024, 12);
    const mde = minimumDetectableFlipRate(1000, { alpha: 0.05 });
    expect(detectionPower(1000, mde, { alpha: 0.05 })).toBeGreaterThanOrEqual(0.8);
    expect(detectionPower(1000, mde - 0.001, { alpha: 0.05 })).toBeLessThan(0.8);
    const n = probesNeeded(0.05, { alpha: 0.05, noise: 0.05 })!;
    expect(detectionPower(n, 0.05, { alpha: 0.05, noise: 0.05 })).toBeGreaterThanOrEqual(0.8);
    expect(detectionPower(n - 1, 0.05, { alpha: 0.05, noise: 0.05 })).toBeLessThan(0.8);
    // noise makes drift harder to see
    expect(minimumDetectableFlipRate(1000, { alpha: 0.05, noise: 0.1 })).toBeGreaterThan(mde);
  });

  it("holm adjusts in order", () => {
    // sorted 0.01, 0.02, 0.04 → 3·0.01, max(0.03, 2·0.02), max(0.04, 0.04)
    expect(holm([0.04, 0.01, 0.02])).toEqual([0.04, 0.03, 0.04]);
  });

  it("rulers drift --plan prints the probes needed and the detectable rate of a probe file", async () => {
    const r = await runCli(["drift", "--plan", "5%", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ flip_rate: 0.05, probes_needed: probesNeeded(0.05, { alpha: 0.05 }) });
    expect((await runCli(["drift", "--plan", "150%"])).stderr).toMatch(/`--plan` must be a rate between 0 and 1/);
  });
});

/** n items, A and B of alternating lengths, so positions are balanced. */
function lengthRuns(n: number, flipEvery: number) {
  const probe = new Map<string, Record<string, unknown>>();
  const base: Rec[] = [];
  const cand: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const longA = i % 2 === 0;
    const long = "word ".repeat(60).trim();
    const short = "word ".repeat(12).trim();
    probe.set(`i${i}`, { response_a: longA ? long : short, response_b: longA ? short : long });
    const longer = longA ? "A" : "B";
    const shorter = longA ? "B" : "A";
    base.push(pairRec(`i${i}`, longer, { bundle: { hash: "sha256:a" } }));
    cand.push(
      pairRec(`i${i}`, i % flipEvery === 0 || i % flipEvery === 1 ? shorter : longer, { bundle: { hash: "sha256:b" } }),
    );
  }
  return { probe, base, cand };
}

describe("directional drift decides", () => {
  it("10% of 1,000 pairs flipping to the shorter answer, positions balanced: drift through the length feature", () => {
    const { probe, base, cand } = lengthRuns(1000, 20);
    const r = compareRuns(base, cand, { probe, maxFlipRate: 0.2, alpha: 0.05 });
    expect(r.overall).toMatchObject({ n: 1000, flips: 100, toward_a: 50, toward_b: 50, drift: false });
    const length = r.features.find((f) => f.feature === "length")!;
    expect(length).toMatchObject({ flips_considered: 100, toward_more: 0, follows: true });
    expect(r.drift).toBe(true);
    expect(r.reasons).toEqual([expect.stringMatching(/^feature length: 0 of 100 flips/)]);
    // the switch is --fail-on: without length the same runs pass
    expect(compareRuns(base, cand, { probe, maxFlipRate: 0.2, alpha: 0.05, failOn: ["direction"] }).drift).toBe(false);
    // the flip rate alone, exactly at an inclusive threshold, decides too
    expect(compareRuns(base, cand, { maxFlipRate: 0.1, alpha: 0.05 }).reasons).toEqual([
      "overall: flip rate 0.1000 ≥ 0.1",
    ]);
  });

  it("an edit that keeps accuracy but moves every flip toward A drifts; the sign test is reported with labels", () => {
    const base: Rec[] = [];
    const cand: Rec[] = [];
    const labels = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      // 20 flips B → A: half were right (label B → now wrong), half wrong (label A → now right)
      base.push(pairRec(`i${i}`, i < 20 ? "B" : "A"));
      cand.push(pairRec(`i${i}`, "A"));
      labels.set(`i${i}`, i < 10 ? "B" : "A");
    }
    const r = compareRuns(base, cand, { labels, maxFlipRate: 0.9, alpha: 0.05 });
    expect(r.overall).toMatchObject({ test: "mcnemar", p_value: 1, correct_to_wrong: 10, wrong_to_correct: 10 });
    expect(r.overall.accuracy_base).toBe(r.overall.accuracy_candidate);
    expect(r.overall.sign_p_value).toBeCloseTo(2 / 2 ** 20, 15);
    expect(r.drift).toBe(true);
    expect(r.reasons[0]).toMatch(/flips go one way \(20 toward A, 0 toward B\)/);
    expect(compareRuns(base, cand, { labels, maxFlipRate: 0.9, alpha: 0.05, failOn: [] }).drift).toBe(false);
  });
});

describe("probes, audit and drift through the CLI with a scripted judge", () => {
  it("a concision edit drifts along length and verbosity; the bias cards show each version's leaning", async () => {
    const probes = join(dir, "probes.jsonl");
    const built = await runCli([
      "probes",
      "--from",
      ROWS,
      "--kinds",
      "length,verbosity,refusal,position",
      "--out",
      probes,
    ]);
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("75 probes (length 15, verbosity 15, refusal 15, position 30)");
    // building again gives the same bytes
    const again = join(dir, "probes2.jsonl");
    await runCli(["probes", "--from", ROWS, "--kinds", "length,verbosity,refusal,position", "--out", again]);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(probes, "utf8"));

    // The judge prefers the reply with more words, unless the rubric asks for concision.
    const words = (s: string) => s.split(/\s+/).length;
    const server = await startFakeOpenAI((req) => {
      const concise = req.body.messages[0].content.includes("more concise");
      return {
        json: answerFor(req.body, {
          decide: (_id, _v, inputs) => (words(inputs.response_a!) > words(inputs.response_b!) !== concise ? "A" : "B"),
        }),
      };
    });
    try {
      const judge = ["--model", "m", "--base-url", server.baseURL, "--cache", join(dir, "c.jsonl")];
      const keep = join(dir, "kept");
      const md = join(dir, "drift.md");
      const r = await runCli([
        "drift",
        "--base",
        B1,
        "--candidate",
        B2,
        "--probe",
        probes,
        ...judge,
        "--json",
        "--keep-runs",
        keep,
        "--report",
        md,
      ]);
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout);
      const attr = Object.fromEntries(out.attributes.map((a: { attribute: string }) => [a.attribute, a]));
      // every length probe flips from the full answer to the truncated one
      expect(attr.length).toMatchObject({ n: 15, flips: 15, toward: 0, away: 15, drift: true });
      expect(attr.length.base.share_toward).toBe(1);
      expect(attr.length.candidate.share_toward).toBe(0);
      // position probes flip too, but as many toward A as away: no position drift
      expect(attr.position).toMatchObject({ n: 30, toward: 15, away: 15, drift: false });
      expect(out.reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^attribute length:/),
          expect.stringMatching(/^attribute refusal:/),
        ]),
      );
      expect(out.reasons.some((x: string) => x.startsWith("attribute position"))).toBe(false);
      expect(out.min_detectable_flip_rate).toBe(minimumDetectableFlipRate(75, { alpha: 0.05 }));
      expect(readFileSync(md, "utf8")).toMatch(
        /\| length \| 15 \| 100\.0% \| 0\.0% \| 0 \| 15 \| [\d.e-]+ \| \*\*drift\*\* \|/,
      );

      // the bias cards, from the kept runs: the base leans to the padded and the refusal-prefixed answer
      const card = async (side: string) => {
        const a = await runCli(["audit", "--from-run", `${keep}.${side}.jsonl`, "--probe", probes, "--json"]);
        return {
          code: a.code,
          byName: Object.fromEntries(
            JSON.parse(a.stdout).attributes.map((x: { attribute: string }) => [x.attribute, x]),
          ),
        };
      };
      const base = await card("base");
      expect(base.code).toBe(3);
      expect(base.byName.verbosity).toMatchObject({ toward: 15, away: 0, biased: true });
      expect(base.byName.refusal).toMatchObject({ toward: 15, biased: true });
      expect(base.byName.length).toMatchObject({ toward: 15, biased: false }); // preferring the full answer is expected
      expect(base.byName.position).toMatchObject({ toward: 15, away: 15, biased: false });
      const cand = await card("candidate");
      expect(cand.byName.length).toMatchObject({ toward: 0, away: 15, biased: true });
      expect(cand.byName.refusal).toMatchObject({ away: 15, biased: false });

      // live audit of one bundle answers from the same cache
      const before = server.requests.length;
      const live = await runCli(["audit", B1, "--probe", probes, ...judge]);
      expect(live.code).toBe(3);
      expect(live.stdout).toMatch(/BIASED verbosity/);
      expect(server.requests.length).toBe(before);
    } finally {
      await server.close();
    }
  });

  it("names bad input", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(
      bad,
      '{"id": "x", "response": "fine answer with enough words to cut in half"}\n{"id": "y"}\nnot json\n',
    );
    const r = await runCli(["probes", "--from", bad, "--kinds", "length", "--out", join(dir, "o.jsonl")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2: field \`response\` must be a non-empty string; skipped`);
    expect(r.stderr).toMatch(new RegExp(`${bad}:3: error: `));
    expect((await runCli(["probes", "--from", bad, "--kinds", "size", "--out", "x"])).stderr).toMatch(
      /unknown kind `size`/,
    );
    expect((await runCli(["drift", "--from-runs", "a", "b", "--fail-on", "colour"])).stderr).toMatch(
      /unknown name `colour`/,
    );
    expect((await runCli(["audit", "--from-run", bad])).stderr).toMatch(/--probe/);
  });
});
