/**
 * Compiler speed on a generated corpus of 5,000 per-item rubrics with 10 criteria each
 * (50,000 criteria), two ways:
 *   A. the design path: one template rubric + a JSONL of rows carrying each item's criteria,
 *      compiled into one bundle whose hash covers every item (`rulers compile --items`);
 *   B. the same 5,000 rubrics written as .rubric sources in the language, compiled one by one.
 * Baseline: JSON.parse plus ajv validation of the same content written as JSON.
 * Measures the compiled dist/ (what users run): `npm run bench compile` builds first.
 */
import { Ajv } from "ajv";
import { buildBundle } from "../dist/bundle/build.js";
import { serializeBundle } from "../dist/bundle/file.js";
import { compileItems, compileSource } from "../dist/compile/index.js";

const ITEMS = 5000;
const CRITERIA = 10;
const words = "accurate complete safe concise clear relevant specific grounded polite correct timely".split(" ");
const sentence = (i: number, j: number) =>
  `The response ${words[(i + j) % words.length]}ly addresses point ${j + 1} of question ${i}, citing the ${words[(i * j) % words.length]} detail.`;

const template = `rubric bench.per-item version 1.0.0
input prompt "The question"
input response "The answer", quotable
scale 0 to 1 step 0.01
per item criteria from rubrics
  binary
  evidence at least 1 quote from response, at most 40 words
end
aggregate points
`;
const rowsJson = Array.from({ length: ITEMS }, (_, i) => ({
  id: `item-${i}`,
  rubrics: Array.from({ length: CRITERIA }, (_, j) => ({
    criterion: sentence(i, j),
    points: j === 9 ? -5 : 1 + (j % 5),
    tags: [`axis:${words[j]}`],
  })),
}));
const rowsText = `${rowsJson.map((r) => JSON.stringify(r)).join("\n")}\n`;
const sources = rowsJson.map((r) =>
  [
    `rubric bench.item-${r.id} version 1.0.0`,
    `input response "The answer", quotable`,
    `scale 0 to 1 step 0.01`,
    ...r.rubrics.map(
      (c, j) =>
        `criterion c${j + 1}\n  binary\n  "${c.criterion}"\n  points ${c.points}\n  tags ${c.tags[0]}\n  evidence at least 1 quote, at most 40 words\nend`,
    ),
    `aggregate points`,
  ].join("\n"),
);

function time<T>(f: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}
function best(f: () => unknown, runs = 5): number {
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    b = Math.min(b, time(f)[1]);
  }
  return b;
}

const rowSchema = {
  type: "object",
  required: ["id", "rubrics"],
  properties: {
    id: { type: "string" },
    rubrics: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["criterion"],
        properties: {
          criterion: { type: "string", minLength: 1 },
          points: { type: "number" },
          tags: { type: "array", items: { type: "string" } },
        },
      },
    },
  },
};
const validate = new Ajv().compile({ type: "array", items: rowSchema });
const jsonText = JSON.stringify(rowsJson);
const baseline = best(() => {
  if (!validate(JSON.parse(jsonText))) throw new Error("baseline data invalid");
});

const ir = compileSource(template, "bench.rubric").ir!;
const pathA = best(() => {
  const t = compileSource(template, "bench.rubric").ir!;
  const items = compileItems(t, "rows.jsonl", rowsText);
  if (items.diagnostics.length) throw new Error(items.diagnostics[0]!.message);
  serializeBundle(buildBundle(t, items.items));
});
void ir;
const pathB = best(() => {
  for (const s of sources) {
    const r = compileSource(s, "item.rubric");
    if (!r.ir) throw new Error(r.diagnostics[0]!.message);
    serializeBundle(buildBundle(r.ir));
  }
}, 3);

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(
  `corpus: ${ITEMS} items × ${CRITERIA} criteria; rows JSONL ${mb(rowsText.length)} MB, sources ${mb(sources.reduce((a, s) => a + s.length, 0))} MB`,
);
console.log(`baseline JSON.parse + ajv validate:          ${baseline.toFixed(0)} ms`);
console.log(
  `A. template + rows → one bundle (hash, JSON): ${pathA.toFixed(0)} ms  (${(pathA / baseline).toFixed(1)}× baseline; target < 2000 ms and < 10×)`,
);
console.log(
  `B. 5,000 .rubric sources → 5,000 bundles:      ${pathB.toFixed(0)} ms  (${(pathB / baseline).toFixed(1)}× baseline)`,
);
console.log(
  `peak RSS of the whole benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (target < 500 MB)`,
);
