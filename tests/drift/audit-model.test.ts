import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AUDIT_SCHEMA } from "../../src/drift/index.js";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-audit-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const V1 = "examples/pairwise-helpfulness.rubric";

describe("rulers diff --audit-model", () => {
  it("asks the model about each changed sentence under a strict schema, caches and records the answers", async () => {
    // A rewording the static rules call low: the model sees a preference shift in it.
    const edited = join(dir, "edited.rubric");
    writeFileSync(
      edited,
      readFileSync(V1, "utf8").replace(
        "Compare the two replies to the user's last request.",
        "Compare the two replies to the user's last request, valuing economy of expression.",
      ),
    );
    const server = await startFakeOpenAI((req) => {
      const hunk = req.body.messages[1].content as string;
      if (hunk.includes("economy"))
        return {
          json: { effect: "shifts_preference", direction: "concision", risk: "high", reason: "rewards brevity" },
        };
      return { json: { effect: "clarifies", direction: "none", risk: "none", reason: "same meaning" } };
    });
    try {
      const args = ["diff", V1, edited, "--json", "--audit-model", "m", "--base-url", server.baseURL];
      const cache = ["--cache", join(dir, "audit.cache.jsonl")];
      const r = await runCli([...args, ...cache]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.static_verdict).not.toBe("high");
      expect(out.audit_verdict).toBe("high");
      expect(out.verdict).toBe("high");
      expect(out.audit).toHaveLength(server.requests.length);
      const hunk = out.audit.find((h: { after: string | null }) => h.after?.includes("economy"));
      expect(hunk.answer).toEqual({
        effect: "shifts_preference",
        direction: "concision",
        risk: "high",
        reason: "rewards brevity",
      });
      const raw = JSON.stringify(hunk.answer);
      expect(hunk.answer_sha256).toBe(createHash("sha256").update(raw).digest("hex"));
      // strict structured output, and the hunk as data inside a fence
      const body = server.requests[0]!.body;
      expect(body.response_format).toEqual({
        type: "json_schema",
        json_schema: { name: "rubric_edit_audit", schema: AUDIT_SCHEMA, strict: true },
      });
      expect(body.messages[1].content).toMatch(/^<<<HUNK\n\{.*\}\nHUNK>>>$/s);
      // a rerun is answered from the cache
      const seen = server.requests.length;
      const again = await runCli([...args, ...cache, "--fail-on", "high"]);
      expect(again.code).toBe(3);
      expect(server.requests.length).toBe(seen);
      expect(JSON.parse(again.stdout).audit.every((h: { cached: boolean }) => h.cached)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("reports an answer that breaks the schema without guessing, and a dead endpoint as an error", async () => {
    const edited = join(dir, "edited2.rubric");
    writeFileSync(edited, readFileSync(V1, "utf8").replace("last request.", "last request. Be fair."));
    const server = await startFakeOpenAI(() => ({ json: { effect: "maybe" } }));
    try {
      const r = await runCli([
        "diff",
        V1,
        edited,
        "--audit-model",
        "m",
        "--base-url",
        server.baseURL,
        "--cache",
        join(dir, "bad.cache.jsonl"),
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\? instructions: the answer does not match the schema/);
    } finally {
      await server.close();
    }
    const dead = await runCli([
      "diff",
      V1,
      edited,
      "--audit-model",
      "m",
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--max-retries",
      "0",
      "--cache",
      join(dir, "dead.cache.jsonl"),
    ]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/rulers diff: --audit-model: /);
  });
});
