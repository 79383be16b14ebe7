import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CacheKeyParts, cacheKey, MEMORY_CACHE_ENTRIES, memoryCache, openCache } from "../../src/judge/cache.js";
import type { Completion } from "../../src/judge/client.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rulers-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const completion = (n: number): Completion => ({
  content: JSON.stringify({ verdict: n % 2 ? "met" : "unmet", n }),
  refusal: null,
  finish_reason: "stop",
  model: "fake-judge-1",
  system_fingerprint: "fp_1",
  usage: { prompt_tokens: 100 + n, completion_tokens: 10 },
  latency_ms: 50,
  attempts: 1,
});

const parts: CacheKeyParts = {
  bundle_hash: `sha256:${"a".repeat(64)}`,
  model: "gpt-judge",
  settings: { temperature: 0, seed: 7, max_tokens: null, sample: 0 },
  messages: [
    { role: "system", content: "You grade." },
    { role: "user", content: "Grade this: ünïcode “quotes” and\nnew lines." },
  ],
  response_format: {
    type: "json_schema",
    json_schema: { name: "judgment", strict: true, schema: { type: "object", properties: { a: { type: "string" } } } },
  },
};

describe("cacheKey", () => {
  it("is sha256 hex and stable across object key order", () => {
    const key = cacheKey(parts);
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    const reordered: CacheKeyParts = {
      response_format: {
        json_schema: {
          schema: { properties: { a: { type: "string" } }, type: "object" },
          strict: true,
          name: "judgment",
        },
        type: "json_schema",
      },
      messages: parts.messages.map((m) => {
        const { role, content } = m as { role: string; content: string };
        return { content, role };
      }),
      settings: { sample: 0, max_tokens: null, seed: 7, temperature: 0 },
      model: "gpt-judge",
      bundle_hash: parts.bundle_hash,
    };
    expect(cacheKey(reordered)).toBe(key);
    expect(cacheKey(structuredClone(parts))).toBe(key);
  });

  it("refuses a non-finite setting, even after keying the settings it prints like", () => {
    const asNull = { ...parts, settings: { ...parts.settings, temperature: null } };
    expect(cacheKey(asNull)).toBe(cacheKey(structuredClone(asNull)));
    expect(() => cacheKey({ ...parts, settings: { ...parts.settings, temperature: Number.NaN } })).toThrow(
      /non-finite/,
    );
  });

  it("changes with anything that changes the answer", () => {
    const key = cacheKey(parts);
    const variants: CacheKeyParts[] = [
      { ...parts, bundle_hash: `sha256:${"b".repeat(64)}` },
      { ...parts, model: "gpt-judge-2" },
      { ...parts, settings: { ...parts.settings, temperature: 0.5 } },
      { ...parts, settings: { ...parts.settings, sample: 1 } },
      { ...parts, settings: { ...parts.settings, seed: null } },
      { ...parts, messages: [parts.messages[0]!, { role: "user", content: "Grade this: something else." }] },
      {
        ...parts,
        messages: [
          parts.messages[0]!,
          { role: "assistant", content: (parts.messages[1] as { content: string }).content },
        ],
      },
      { ...parts, messages: [...parts.messages, { role: "user", content: "repair please" }] },
      { ...parts, response_format: { type: "json_object" } },
    ];
    const keys = variants.map(cacheKey);
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });

  it("cannot confuse where one message ends and the next begins", () => {
    const a = cacheKey({
      ...parts,
      messages: [
        { role: "user", content: "ab" },
        { role: "user", content: "c" },
      ],
    });
    const b = cacheKey({
      ...parts,
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "bc" },
      ],
    });
    const c = cacheKey({ ...parts, messages: [{ role: "user", content: "abc" }] });
    expect(new Set([a, b, c]).size).toBe(3);
  });
});

describe("openCache", () => {
  it("returns what was put, and a reopened cache has every entry", async () => {
    const path = join(dir, "nested", "calls.jsonl");
    const cache = openCache(path);
    expect(cache.loaded).toBe(0);
    for (let i = 0; i < 50; i++) await cache.put(cacheKey({ ...parts, settings: { sample: i } }), completion(i));
    expect(cache.get(cacheKey({ ...parts, settings: { sample: 7 } }))).toEqual(completion(7));
    expect(cache.get(cacheKey(parts))).toBeUndefined();
    cache.close();

    const again = openCache(path);
    expect(again.loaded).toBe(50);
    expect(again.size).toBe(50);
    for (let i = 0; i < 50; i++)
      expect(again.get(cacheKey({ ...parts, settings: { sample: i } }))).toEqual(completion(i));
    again.close();
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(50);
  });

  it("ignores a torn last line and never glues the next entry onto it", async () => {
    const path = join(dir, "calls.jsonl");
    const cache = openCache(path);
    await cache.put("sha256:1", completion(1));
    await cache.put("sha256:2", completion(2));
    cache.close();
    // A crash in the middle of writing the third entry.
    const third = JSON.stringify({ key: "sha256:3", value: completion(3) });
    appendFileSync(path, third.slice(0, third.length >> 1));

    const reopened = openCache(path);
    expect(reopened.loaded).toBe(2);
    expect(reopened.get("sha256:3")).toBeUndefined();
    await reopened.put("sha256:4", completion(4));
    reopened.close();

    const last = openCache(path);
    expect(last.loaded).toBe(3);
    expect(last.get("sha256:4")).toEqual(completion(4));
    expect(last.get("sha256:1")).toEqual(completion(1));
    last.close();
  });

  it("skips damaged lines in the middle and lets the last entry for a key win", async () => {
    const path = join(dir, "calls.jsonl");
    writeFileSync(
      path,
      `${[
        JSON.stringify({ key: "sha256:a", value: completion(1) }),
        "{not json at all",
        "",
        JSON.stringify({ key: "sha256:b", value: completion(2) }),
        JSON.stringify({ key: "sha256:a", value: completion(3) }),
        JSON.stringify({ key: 42, value: completion(4) }),
        JSON.stringify({ key: "sha256:c", value: null }),
      ].join("\n")}\n`,
    );
    const cache = openCache(path);
    expect(cache.size).toBe(2);
    expect(cache.get("sha256:a")).toEqual(completion(3));
    expect(cache.get("sha256:b")).toEqual(completion(2));
    cache.close();
  });

  it("writes the entries put in one turn together and acknowledges them once they are on disk", async () => {
    const path = join(dir, "calls.jsonl");
    const cache = openCache(path);
    const acked: string[] = [];
    const puts = ["x", "y", "z"].map((k, i) => cache.put(`sha256:${k}`, completion(i)).then(() => acked.push(k)));
    // Not yet written or acknowledged, but already readable from the cache itself.
    expect(readFileSync(path, "utf8")).toBe("");
    expect(acked).toEqual([]);
    expect(cache.get("sha256:y")).toEqual(completion(1));
    expect(cache.size).toBe(3);
    await Promise.all(puts);
    expect(acked).toEqual(["x", "y", "z"]);
    expect(readFileSync(path, "utf8")).toBe(
      ["x", "y", "z"].map((k, i) => `${JSON.stringify({ key: `sha256:${k}`, value: completion(i) })}\n`).join(""),
    );
    expect(cache.get("sha256:y")).toEqual(completion(1));
    cache.close();
    await expect(cache.put("sha256:w", completion(1))).rejects.toThrow(/closed/);
  });

  it("writes what is still waiting when closed", () => {
    const path = join(dir, "calls.jsonl");
    const cache = openCache(path);
    void cache.put("sha256:x", completion(1));
    cache.close();
    expect(openCache(path).get("sha256:x")).toEqual(completion(1));
  });

  it("keeps every completed entry when the process is killed with SIGKILL", async () => {
    const path = join(dir, "calls.jsonl");
    const child = join(dir, "writer.ts");
    const cacheModule = fileURLToPath(new URL("../../src/judge/cache.ts", import.meta.url));
    writeFileSync(
      child,
      `import { openCache } from ${JSON.stringify(cacheModule)};
const cache = openCache(${JSON.stringify(path)});
let n = 0;
// Reports how many entries have been acknowledged (all puts before them resolved).
let acked = 0;
const tick = () => {
  const puts = [];
  for (let i = 0; i < 20; i++, n++) puts.push(cache.put("sha256:" + n, { content: "x".repeat(n % 300), n }));
  const upTo = n;
  void Promise.all(puts).then(() => {
    acked = Math.max(acked, upTo);
    process.stdout.write(acked + "\\n");
  });
  setImmediate(tick);
};
tick();
`,
    );
    const proc = spawn(process.execPath, ["--import", "tsx", child], { stdio: ["ignore", "pipe", "inherit"] });
    let reported = 0;
    await new Promise<void>((resolve) => {
      proc.stdout.on("data", (d: Buffer) => {
        const lines = d.toString().trim().split("\n");
        reported = Math.max(reported, Number(lines[lines.length - 1]));
        if (reported >= 2000) {
          proc.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((resolve) => proc.once("exit", resolve));
    const cache = openCache(path);
    // Every entry acknowledged to the writer is there; it may have written more before dying.
    expect(cache.loaded).toBeGreaterThanOrEqual(reported);
    for (let i = 0; i < reported; i++) expect(cache.get(`sha256:${i}`)).toEqual({ content: "x".repeat(i % 300), n: i });
    cache.close();
  });
});

describe("memoryCache", () => {
  it("round-trips without a file", async () => {
    const cache = memoryCache();
    await cache.put("sha256:m", completion(1));
    expect(cache.get("sha256:m")).toEqual(completion(1));
    expect(cache.path).toBeNull();
  });

  it("is bounded: the least recently used entry goes first", async () => {
    const cache = memoryCache<number>(2);
    await cache.put("a", 1);
    await cache.put("b", 2);
    expect(cache.get("a")).toBe(1); // a is now the most recently used
    await cache.put("c", 3);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c")]).toEqual([1, 3]);
    await cache.put("a", 4); // overwriting is a use, not a second entry
    await cache.put("d", 5);
    expect([cache.get("a"), cache.get("c"), cache.get("d")]).toEqual([4, undefined, 5]);
    cache.close();
    expect(cache.size).toBe(0);
  });

  it("keeps MEMORY_CACHE_ENTRIES by default and refuses a capacity that is not a positive integer", async () => {
    const cache = memoryCache<number>();
    for (let i = 0; i <= MEMORY_CACHE_ENTRIES; i++) await cache.put(`k${i}`, i);
    expect(cache.size).toBe(MEMORY_CACHE_ENTRIES);
    expect(cache.get("k0")).toBeUndefined();
    expect(cache.get(`k${MEMORY_CACHE_ENTRIES}`)).toBe(MEMORY_CACHE_ENTRIES);
    expect(() => memoryCache(0)).toThrow(RangeError);
    expect(() => memoryCache(1.5)).toThrow("cache capacity must be a positive integer");
  });
});
