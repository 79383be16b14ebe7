/** A small pointwise run (scale 1..4) and its rows, written to a folder; texts include hostile markup. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const HOSTILE = `<!--<script> <img src=x onerror="window.__pwned=1"> </script><script>window.__pwned=2</script>`;

export function writeRun(dir: string, n = 30): { run: string; rows: string; ids: string[] } {
  const ids: string[] = [];
  const runLines: string[] = [];
  const rowLines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `item-${String(i).padStart(3, "0")}`;
    ids.push(id);
    const response =
      i === 3 ? `Answer ${i}. ${HOSTILE} The end.` : `Answer ${i}. The key point is stated clearly here. The end.`;
    const q = "The key point";
    const start = response.indexOf(q);
    rowLines.push(JSON.stringify({ id, prompt: `Question ${i}?`, response }));
    runLines.push(
      JSON.stringify({
        item_id: id,
        raw_score: 1 + (i % 4),
        scale: { kind: "numeric", min: 1, max: 4, step: 1 },
        criteria: [
          {
            id: "clear",
            verdict: i % 2 ? "met" : "unmet",
            rationale: i === 3 ? HOSTILE : `rationale ${i}`,
            evidence: start >= 0 ? [{ quote: q, verified: true, input: "response", start, end: start + q.length }] : [],
          },
        ],
        flags: i % 5 === 0 ? ["evidence-unverified:clear"] : [],
      }),
    );
  }
  const run = join(dir, "run.jsonl");
  const rows = join(dir, "rows.jsonl");
  writeFileSync(run, `${runLines.join("\n")}\n`);
  writeFileSync(rows, `${rowLines.join("\n")}\n`);
  return { run, rows, ids };
}
