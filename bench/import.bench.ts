/**
 * Import speed (issue 7): 5,000 HealthBench-shaped rows (10 criteria each, built from the real
 * examples' criteria) imported, then compiled with their rows into one bundle, as
 * `rulers import --from healthbench` followed by `rulers compile --items` would.
 * Run: npm run bench import
 */
import { readdirSync, readFileSync } from "node:fs";
import { buildBundle } from "../dist/bundle/build.js";
import { serializeBundle } from "../dist/bundle/file.js";
import { compileItems, compileSource } from "../dist/compile/index.js";
import { importHealthbench } from "../dist/import/index.js";
import { realData } from "./data.js";

type Example = { prompt: unknown; rubrics: { criterion: string; points: number; tags: string[] }[] };
// The 30 examples when present, else the two real ones vendored for the import tests (their criteria
// repeat more often, which the importer does not care about).
const dirPath = realData(
  "healthbench-examples",
  "the 2 HealthBench examples in tests/fixtures/import/healthbench.jsonl",
);
const examples: Example[] = dirPath
  ? readdirSync(dirPath)
      .filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(readFileSync(`${dirPath}/${f}`, "utf8")))
  : readFileSync("tests/fixtures/import/healthbench.jsonl", "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Example)
      .filter((e) => e.rubrics.every((r) => typeof r.points === "number"));
const pool = examples.flatMap((e) => e.rubrics);
const rows = Array.from({ length: 5000 }, (_, i) =>
  JSON.stringify({
    prompt_id: `hb-${i}`,
    prompt: examples[i % examples.length]!.prompt,
    rubrics: Array.from({ length: 10 }, (_, j) => pool[(i * 10 + j) % pool.length]),
  }),
).join("\n");

const t0 = performance.now();
const imported = importHealthbench(rows, { prefix: "" });
const t1 = performance.now();
const rubric = imported.rubrics[0]!;
const ir = compileSource(rubric.source, "healthbench.rubric").ir!;
const items = compileItems(ir, "healthbench.jsonl", rubric.rows!.join("\n"));
const text = serializeBundle(buildBundle(ir, items.items));
const t2 = performance.now();
console.log(
  `import 5,000 HealthBench rows (50,000 criteria): ${(t1 - t0).toFixed(0)} ms; compile them into one bundle (${(text.length / 1e6).toFixed(1)} MB): ${(t2 - t1).toFixed(0)} ms; total ${(t2 - t0).toFixed(0)} ms (compile budget: < 2000 ms); ${items.diagnostics.length} problems`,
);
