import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { judgeArgv } from "../helpers/judge-cli.js";
import { answerFor } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stable = (text: string) => text.replace(/"latency_ms":\d+/g, "").replace(/"base_url_host":"[^"]+"/g, "");

describe("an interrupted run", () => {
  it("loses no finished call and repeats none after kill -9 and --resume", async () => {
    const server = await startFakeOpenAI((r) => ({ delayMs: 40, reply: { json: answerFor(r.body) } }));
    try {
      const input = join(dir, "rows.jsonl");
      const rows = Array.from({ length: 16 }, (_, i) =>
        JSON.stringify({
          id: `r${i}`,
          conversation: "user: hi",
          response: `Answer number ${i}: see a doctor if it gets worse.`,
        }),
      );
      writeFileSync(input, `${rows.join("\n")}\n`);
      const out = join(dir, "run.jsonl");
      const args = judgeArgv(
        { bundle: "bundles/health.answer-quality/1.0.0/bundle.json", input, out, baseURL: server.baseURL },
        ["--concurrency", "2", "--samples", "1"],
      );

      const child = spawnCli(args, { stdio: "ignore" });
      const cache = `${out}.cache.jsonl`;
      const lines = () => (existsSync(cache) ? readFileSync(cache, "utf8").split("\n").filter(Boolean).length : 0);
      // Up to 60 s: on a loaded 2-core machine the child's start-up alone can take ten.
      for (let i = 0; i < 2400 && lines() < 5; i++) await new Promise((r) => setTimeout(r, 25));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      // The run never finished, but what it wrote is a valid prefix: whole records in input order.
      const prefix = existsSync(out) ? readFileSync(out, "utf8") : "";
      const whole = prefix.endsWith("\n") ? prefix.split("\n").filter(Boolean) : prefix.split("\n").slice(0, -1);
      const ids = whole.map((l) => JSON.parse(l).item_id);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `r${i}`));
      const cachedAtKill = readFileSync(cache, "utf8").split("\n").filter(Boolean).length;
      expect(cachedAtKill).toBeGreaterThanOrEqual(5);
      expect(cachedAtKill).toBeLessThan(16);

      const requestsBefore = server.requests.length;
      const resumed = await runCli([...args, "--resume", "--json"]);
      expect(resumed.code).toBe(0);
      const summary = JSON.parse(resumed.stdout);
      // Records already in the file are kept; their calls are neither made nor read again.
      expect(summary.skipped).toBe(ids.length);
      expect(summary.skipped + summary.cached_calls).toBe(cachedAtKill);
      expect(summary.calls).toBe(16 - cachedAtKill);
      // Every prompt answered before the kill is never sent again.
      const before = new Set(server.requests.slice(0, requestsBefore).map((r) => JSON.stringify(r.body.messages)));
      const after = server.requests.slice(requestsBefore).map((r) => JSON.stringify(r.body.messages));
      const repeated = after.filter((m) => before.has(m)).length;
      expect(repeated).toBeLessThanOrEqual(requestsBefore - cachedAtKill); // only calls cut off mid-flight

      // The records equal those of a run that was never interrupted.
      const fresh = join(dir, "fresh.jsonl");
      expect((await runCli([...args.map((a) => (a === out ? fresh : a))])).code).toBe(0);
      expect(stable(readFileSync(out, "utf8"))).toBe(stable(readFileSync(fresh, "utf8")));
    } finally {
      await server.close();
    }
  }, 120_000);
});
