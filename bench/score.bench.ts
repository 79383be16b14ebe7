/**
 * Scoring speed, on the compiled dist/: one item of a 10-criterion rubric with 3 local checks (a
 * word count on a 2,000-word response, a regex, a contains), evidence policies applied, gates and
 * aggregation onto a 0..10 step 0.5 scale; also a rubric whose regex must run under the
 * catastrophic-backtracking time limit. Reports µs per item (the whole executor overhead target is
 * < 1 ms per judgment, so scoring should be a small fraction of it).
 * Run: npm run bench score
 */
import { compileSource } from "../dist/compile/index.js";
import { applyEvidencePolicy, type CriterionOutcome, type Fired, runCheck, scoreItem } from "../dist/score/index.js";

const vocabulary =
  "the essay argues that libraries should keep every book because readers choose what they read and censorship harms learning".split(
    " ",
  );
const response = (i: number) =>
  Array.from({ length: 2000 }, (_, k) => vocabulary[(k * 7 + i) % vocabulary.length]).join(i % 2 ? " " : "\n");

function rubric(regex: string) {
  const src = `rubric bench.score version 1.0.0
input response "The answer", quotable
scale 0 to 10 step 0.5
${Array.from({ length: 10 }, (_, i) => `criterion c${i} "Criterion ${i}"\n  ${i % 3 === 0 ? 'levels 1 "a" 2 "b" 3 "c" 4 "d" end' : "binary"}\n  ${i === 9 ? "points -2" : `weight ${1 + (i % 3)}`}\n  if evidence fails then ${i % 2 ? "unmet" : "cap at 6"}\nend`).join("\n")}
check long_enough words of response between 100 and 5000 end
check cites response matches ${regex} weight 1 end
check polite response does not contain "As an AI" ignoring case end
gate short when long_enough fails cap score at 2 end
gate harmful when c9 is met and polite fails set score to 0 end
aggregate weighted mean
rounding half even`;
  const r = compileSource(src, "bench.rubric");
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.ir;
}

function bench(label: string, regex: string, n: number): void {
  const ir = rubric(regex);
  const rows = Array.from({ length: 64 }, (_, i) => ({ response: response(i) }));
  const judged = Array.from({ length: 64 }, (_, i) =>
    ir.criteria.map(
      (c, k): CriterionOutcome => ({
        id: c.id,
        verdict: c.kind === "binary" ? ((i + k) % 3 ? "met" : "unmet") : null,
        level: c.kind === "levels" ? 1 + ((i + k) % 4) : null,
        evidence_ok: (i + k) % 11 !== 0,
      }),
    ),
  );
  let sink = 0;
  const run = (count: number) => {
    for (let i = 0; i < count; i++) {
      const row = rows[i % rows.length]!;
      const checks = ir.checks.map((c) => runCheck(c, row));
      const outcomes = new Map<string, CriterionOutcome>();
      const caps: Fired[] = [];
      const os = judged[i % judged.length]!;
      ir.criteria.forEach((c, k) => {
        const p = applyEvidencePolicy(c, os[k]!);
        if (p.cap) caps.push(p.cap);
        outcomes.set(c.id, p.outcome);
      });
      sink += scoreItem(ir, ir.criteria, outcomes, checks, caps).raw_score ?? 0;
    }
  };
  run(Math.min(n, 500)); // warm-up
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  run(n);
  const cpu = process.cpuUsage(t0);
  const wall = performance.now() - w0;
  console.log(
    `score: ${label}: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU per item (${((wall * 1000) / n).toFixed(1)} µs wall), ${n} items (checksum ${sink})`,
  );
}

bench("10 criteria + 3 checks (2,000-word count, regex, contains)", "/\\b(because|since)\\b/i", 20_000);
bench("same, regex with nested quantifiers under the time limit", "/^(\\w+\\s?)*$/", 2_000);
