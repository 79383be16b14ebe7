/**
 * Input kinds end to end: `rulers judge` against a local judge server speaking each provider's
 * wire format, for a conversation with tool calls, image rows, and a reference answer whose
 * quotes are refused as evidence.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReviewSession } from "../../src/review/session.js";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { startFakeAnthropic, startFakeGemini } from "../helpers/fake-providers.js";
import { judgeArgv, readJsonl } from "../helpers/judge-cli.js";
import { answerFor, inputsOf, validJudge } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-kinds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
// biome-ignore lint/suspicious/noExplicitAny: run records and request bodies are read as JSON, field by field
type Json = any;

const bundleOf = (id: string) => join(dir, "bundles", id, "1.0.0", "bundle.json");
const read = readJsonl;

beforeAll(async () => {
  const r = await runCli([
    "compile",
    "examples/agent-tool-calls.rubric",
    "examples/image-chart.rubric",
    "examples/healthbench-conversation.rubric",
    "--out",
    join(dir, "bundles"),
  ]);
  expect(r.code, r.stderr).toBe(0);
});

async function judge(bundle: string, input: string, baseURL: string, args: string[] = []) {
  const out = join(dir, `run-${++n}.jsonl`);
  const model = args.includes("--model") ? null : "judge-x";
  const r = await runCli(judgeArgv({ bundle, input, out, model, baseURL }, ["--max-retries", "0", ...args]));
  let records: Json[] = [];
  try {
    records = read(out);
  } catch {
    // no output file: the run was refused before the first row
  }
  return { ...r, out, records };
}

type Msg = { turn: number; role: string; content: string; tool_calls?: { name: string; arguments: string }[] };

describe("conversation inputs with tool calls", () => {
  it("sends messages as data, checks the tool calls, and cites quotes by turn and field", async () => {
    const judgeServer = await startFakeOpenAI(
      validJudge({
        quote: (id, inputs) => {
          const chat = inputs.chat as Msg[];
          if (id === "right_arguments") {
            const call = chat.find((m) => m.tool_calls)!;
            return { input: "chat", quote: call.tool_calls![0]!.arguments };
          }
          const last = chat[chat.length - 1]!;
          return { input: "chat", quote: last.content.split(" ").slice(0, 8).join(" ") };
        },
      }),
    );
    try {
      const r = await judge(bundleOf("agent.support-tools"), "examples/agent-tool-calls.jsonl", judgeServer.baseURL);
      expect(r.code, r.stderr).toBe(0);
      expect(r.records).toHaveLength(3);

      // The conversation's own system message is data inside the fenced block, not a message to the judge.
      const body = judgeServer.requests[0]!.body;
      expect(body.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user"]);
      const chat = inputsOf(body).chat as Msg[];
      expect(chat[0]).toMatchObject({ turn: 0, role: "system" });
      expect(body.messages[0].content).not.toContain("Northwind");
      expect(chat[2]!.tool_calls![0]!.name).toBe("lookup_order");

      const [one, two] = r.records;
      const checks = (rec: Json) => Object.fromEntries(rec.checks.map((c: Json) => [c.id, c.passed]));
      expect(checks(one)).toEqual({
        looked_up_first: true,
        no_large_refund: true,
        short_enough: true,
        signs_off: true,
      });
      // Row 2 refunded $249 without a supervisor: the deterministic rule fails and the gate sets 1.
      expect(checks(two).no_large_refund).toBe(false);
      expect(two.raw_score).toBe(1);
      expect(two.gates).toEqual(expect.arrayContaining([expect.objectContaining({ id: "unapproved_refund" })]));

      const rows = readFileSync("examples/agent-tool-calls.jsonl", "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      for (const [i, rec] of r.records.entries()) {
        const source = rows[i].chat;
        const grounded = rec.criteria.find((c: Json) => c.id === "grounded").evidence[0];
        expect(grounded).toMatchObject({ input: "chat", verified: true, match: "exact", field: "content" });
        expect(grounded.turn).toBe(source.length - 1);
        expect(source[grounded.turn].content.slice(grounded.start, grounded.end)).toBe(grounded.quote);
        const args = rec.criteria.find((c: Json) => c.id === "right_arguments").evidence[0];
        expect(args).toMatchObject({ verified: true, field: "tool_calls[0].function.arguments" });
        expect(source[args.turn].tool_calls[0].function.arguments.slice(args.start, args.end)).toBe(args.quote);
      }

      // The report and the review app show each quote inside the turn it cites.
      const page = join(dir, "report.html");
      const rep = await runCli(["report", "--run", r.out, "--input", "examples/agent-tool-calls.jsonl", "--out", page]);
      expect(rep.code, rep.stderr).toBe(0);
      const html = readFileSync(page, "utf8");
      const lastTurn = rows[0].chat.length - 1;
      expect(html).toContain(JSON.stringify(`chat[${lastTurn}].content`));
      expect(html).toContain(JSON.stringify("chat[2].tool_calls[0].function.arguments"));
      const session = ReviewSession.open({
        run: r.out,
        input: "examples/agent-tool-calls.jsonl",
        labels: join(dir, "labels.jsonl"),
        rater: "alice",
      });
      try {
        const item = session.item(0);
        const key = `chat[${lastTurn}].content`;
        expect(item.texts[key]).toBe(rows[0].chat[lastTurn].content);
        const cited = item.criteria.find((c) => c.id === "grounded")!.evidence[0]!;
        expect(cited.input).toBe(key);
        expect(item.texts[key]!.slice(cited.start!, cited.end!)).toBe(cited.quote);
      } finally {
        session.close();
      }
    } finally {
      await judgeServer.close();
    }
  });

  it("rejects a quote outside the rule's scope, and fails bad rows alone with their row numbers", async () => {
    const rows = readFileSync("examples/agent-tool-calls.jsonl", "utf8").trim().split("\n");
    const bad = JSON.parse(rows[0]!);
    bad.id = "bad-args";
    bad.chat[2].tool_calls[0].function.arguments = '{"order_id": "NW-48213"';
    const noRole = { id: "no-role", chat: [{ content: "hello" }] };
    const input = join(dir, "bad-rows.jsonl");
    writeFileSync(input, `${rows[0]}\n${JSON.stringify(bad)}\n${JSON.stringify(noRole)}\n`);
    // The user's words are not in an assistant turn: `in assistant turns` rejects them.
    const judgeServer = await startFakeOpenAI(
      validJudge({ quote: (_id, inputs) => ({ input: "chat", quote: (inputs.chat as Msg[])[1]!.content }) }),
    );
    try {
      const r = await judge(bundleOf("agent.support-tools"), input, judgeServer.baseURL);
      expect(r.records).toHaveLength(3);
      const [good, args, role] = r.records;
      const grounded = good.criteria.find((c: Json) => c.id === "grounded");
      expect(grounded.evidence[0]).toMatchObject({ verified: false, reason: "not found in `chat` (assistant turns)" });
      expect(grounded.status).toBe("evidence-unverified:unmet");
      // The JSON parser's own words vary between Node versions; the location does not.
      expect(args.error).toMatch(
        /^row 2: conversation input `chat` messages\[2\]\.tool_calls\[0\]\.function\.arguments is not valid JSON: /,
      );
      expect(role.error).toMatch(/^row 3: conversation input `chat` messages\[0\]\.role is missing; use one of/);
      expect(judgeServer.requests).toHaveLength(1);
    } finally {
      await judgeServer.close();
    }
  });
});

describe("image inputs", () => {
  const rows = readFileSync("examples/image-chart.jsonl", "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const dataUrl: string = rows[0].chart;
  const base64 = dataUrl.slice("data:image/png;base64,".length);

  it("OpenAI: the image reaches the wire as an image_url part after the data block", async () => {
    const judgeServer = await startFakeOpenAI(validJudge());
    try {
      const r = await judge(bundleOf("chart.matches-request"), "examples/image-chart.jsonl", judgeServer.baseURL, [
        "--model",
        "gpt-4o",
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.records.every((x) => x.raw_score !== null)).toBe(true);
      const user = judgeServer.requests[0]!.body.messages[1];
      expect(user.content[0].type).toBe("text");
      expect(inputsOf(judgeServer.requests[0]!.body).chart).toBe("<image 1>");
      expect(user.content.slice(1)).toEqual([
        { type: "text", text: "<image 1>" },
        { type: "image_url", image_url: { url: dataUrl } },
      ]);
    } finally {
      await judgeServer.close();
    }
  });

  it("Anthropic: a base64 image block", async () => {
    const server = await startFakeAnthropic(({ body }) => {
      const parts = body.messages[0].content;
      return {
        json: answerFor({
          messages: [
            { role: "system", content: body.system },
            { role: "user", content: parts[0].text },
          ],
          response_format: { type: "json_schema", json_schema: { schema: body.output_config.format.schema } },
        }),
      };
    });
    try {
      const r = await judge(bundleOf("chart.matches-request"), "examples/image-chart.jsonl", server.baseURL, [
        "--provider",
        "anthropic",
        "--model",
        "claude-sonnet-4-5",
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(server.requests[0]!.body.messages[0].content[2]).toEqual({
        type: "image",
        source: { type: "base64", media_type: "image/png", data: base64 },
      });
    } finally {
      await server.close();
    }
  });

  it("Gemini: an inlineData part", async () => {
    const server = await startFakeGemini(({ body }) => ({
      json: answerFor({
        messages: [
          { role: "system", content: body.systemInstruction.parts[0].text },
          { role: "user", content: body.contents[0].parts[0].text },
        ],
        response_format: { type: "json_schema", json_schema: { schema: body.generationConfig.responseJsonSchema } },
      }),
    }));
    try {
      const r = await judge(bundleOf("chart.matches-request"), "examples/image-chart.jsonl", server.baseURL, [
        "--provider",
        "gemini",
        "--model",
        "gemini-2.5-flash",
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(server.requests[0]!.body.contents[0].parts[2]).toEqual({
        inlineData: { mimeType: "image/png", data: base64 },
      });
    } finally {
      await server.close();
    }
  });

  it("refuses a model known to take no images before Json call, and fails non-images row by row", async () => {
    const judgeServer = await startFakeOpenAI(validJudge());
    try {
      const refused = await judge(
        bundleOf("chart.matches-request"),
        "examples/image-chart.jsonl",
        judgeServer.baseURL,
        ["--model", "o3-mini"],
      );
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/model `o3-mini` takes no images, but the rubric's input `chart` is an image/);
      expect(judgeServer.requests).toHaveLength(0);

      const input = join(dir, "bad-images.jsonl");
      const text = Buffer.from("just some text, not a picture").toString("base64");
      const lines = [
        rows[0],
        { ...rows[0], id: "not-image", chart: `data:image/png;base64,${text}` },
        { ...rows[0], id: "lying", chart: `data:image/jpeg;base64,${base64}` },
        { ...rows[0], id: "huge", chart: `data:image/png;base64,${"A".repeat(7_000_000)}` },
        { id: "missing", request: rows[0].request },
      ];
      writeFileSync(input, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
      const r = await judge(bundleOf("chart.matches-request"), input, judgeServer.baseURL, ["--model", "gpt-4o"]);
      expect(r.records.map((x) => x.error ?? null)).toEqual([
        null,
        "row 2: image input `chart` is not an image (its bytes are not PNG, JPEG, GIF or WebP)",
        "row 3: image input `chart` says it is `image/jpeg` but its bytes are image/png",
        "row 4: image input `chart` is 5250000 bytes, over the limit of 5242880 bytes (5 MB) per image",
        "row 5: missing input `chart`",
      ]);
    } finally {
      await judgeServer.close();
    }
  });
});

describe("reference inputs", () => {
  it("refuses a quote copied from the reference answer, and the criterion fails closed", async () => {
    const judgeServer = await startFakeOpenAI(
      validJudge({
        // A judge that quotes the ideal completion while naming the conversation as its source.
        quote: (_id, inputs) => ({
          input: "chat",
          quote: (inputs.ideal as string).split(/\s+/).slice(0, 10).join(" "),
        }),
      }),
    );
    try {
      const r = await judge(
        bundleOf("health.conversation-reply"),
        "examples/healthbench-conversation.jsonl",
        judgeServer.baseURL,
        ["--limit", "2"],
      );
      expect(r.code, r.stderr).toBe(0);
      const c = r.records[0].criteria.find((x: Json) => x.id === "safe_escalation");
      expect(c.evidence[0]).toMatchObject({ input: "ideal", verified: false, refused: "reference" });
      expect(c.evidence[0].reason).toMatch(/a reference answer, which is never evidence of the response/);
      expect(c).toMatchObject({ verdict: "unmet", judged_verdict: "met", status: "evidence-unverified:unmet" });
      // The judge was told what the reference is for.
      expect(judgeServer.requests[0]!.body.messages[0].content).toMatch(/`ideal` \(reference answer\)/);
    } finally {
      await judgeServer.close();
    }
  });
});
