/**
 * End to end in a real headless browser: the Chromium that npm installs (tests/helpers/browser.ts) driven by playwright-core. The
 * report is generated from a judged run (local fake judge), with labels, a calibrator and a
 * drift report; the test checks that charts render, search filters the items, and clicking an
 * item highlights its quotes. A screenshot goes to tests/.output/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, renderHtml } from "../../src/report/index.js";
import { launchBrowser } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { judgeArgv } from "../helpers/judge-cli.js";
import { answerFor } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-report-"));
const html = join(dir, "report.html");
const figuresDir = join(dir, "figures");

beforeAll(async () => {
  const server = await startFakeOpenAI((r) => ({
    json: answerFor(r.body, {
      decide: (id, v, inputs) =>
        id === "harmful_advice" || id === "overconfident"
          ? "unmet"
          : inputs.response!.length % 3 === 0 && id === "clear"
            ? "unmet"
            : v[0]!,
    }),
  }));
  try {
    const run = join(dir, "run.jsonl");
    expect(
      (
        await runCli(
          judgeArgv(
            {
              bundle: "bundles/health.answer-quality/1.0.0/bundle.json",
              input: "examples/health-answer.jsonl",
              out: run,
              baseURL: server.baseURL,
            },
            ["--samples", "1"],
          ),
        )
      ).code,
    ).toBe(0);
    const labels = join(dir, "labels.jsonl");
    const recs = readFileSync(run, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    writeFileSync(
      labels,
      recs.map((r, i) => JSON.stringify({ item_id: r.item_id, label: [0.5, 0.75, 1, 0.8, 0.9][i % 5] })).join("\n") +
        "\n",
    );
    const cal = join(dir, "cal.json");
    expect(
      (
        await runCli([
          "calibrate",
          "--run",
          run,
          "--labels",
          labels,
          "--method",
          "isotonic",
          "--scale",
          "0..1:0.01",
          "--out",
          cal,
        ])
      ).code,
    ).toBe(0);
    const drift = join(dir, "drift.json");
    const d = await runCli(["drift", "--from-runs", run, run, "--json"]);
    writeFileSync(drift, d.stdout);
    const r = await runCli([
      "report",
      "--run",
      run,
      "--labels",
      labels,
      "--calibrator",
      cal,
      "--drift",
      drift,
      "--input",
      "examples/health-answer.jsonl",
      "--out",
      html,
      "--figures",
      figuresDir,
    ]);
    expect(r.code).toBe(0);
  } finally {
    await server.close();
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the HTML report in a browser", () => {
  it("is self-contained: no external scripts, styles or images", () => {
    const text = readFileSync(html, "utf8");
    // no element loads anything: no script src, stylesheet link, image, or CSS url()
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|url\(\s*['"]?https?:/);
    // the chart library is inlined, not fetched
    expect(text).toContain("Observable Plot");
    // the PNG copies are rasterised without a browser: tests/report/png.test.ts
    expect(existsSync(join(figuresDir, "distributions.svg"))).toBe(true);
    expect(existsSync(join(figuresDir, "distributions.png"))).toBe(true);
  });

  it("renders charts, filters by search, and highlights quotes of a clicked item", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${resolve(html)}`);
      // 101 categories of the 0..1 step 0.01 scale × 3 series (raw, calibrated, human), drawn by Plot
      expect(await page.locator("#fig-distributions g.bar rect").count()).toBe(303);
      expect(await page.locator("#fig-calibration g.map path").count()).toBe(1);
      // a fine scale shows only the categories in use: a k × k grid
      const cells = await page.locator("#fig-confusion g.cell rect").count();
      expect(Number.isInteger(Math.sqrt(cells)) && cells >= 4 && cells <= 20 * 20).toBe(true);
      // round ticks: counts are whole numbers, the 0..1 scale is labelled every 0.1
      const ticks = (sel: string) => page.locator(`${sel} g[aria-label$="-axis tick label"] text`).allTextContents();
      const y = (await page.locator('#fig-distributions g[aria-label="y-axis tick label"] text').allTextContents()).map(
        Number,
      );
      expect(y.length).toBeGreaterThan(1);
      for (const v of y) expect(Number.isInteger(v)).toBe(true);
      expect(
        await page.locator('#fig-distributions g[aria-label="fx-axis tick label"] text').allTextContents(),
      ).toEqual(["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]);
      for (const t of await ticks("#fig-calibration")) expect(t).toMatch(/^(0|1|0\.\d)$/);
      // raw and calibrated agreement side by side, the in-sample fit marked
      expect(await page.locator("#metrics th").allTextContents()).toEqual([
        "metric",
        "raw",
        "95% interval",
        "calibrated in-sample",
        "95% interval",
      ]);
      expect(await page.locator("#fig-agreement g.dot circle").count()).toBe(10);
      expect(await page.locator("#settings dt").allTextContents()).toContain("temperature");
      expect(await page.locator("#timing").textContent()).toMatch(/summed judge time/);
      expect(await page.locator("#items-body tr").count()).toBe(10);
      await page.fill("#items-search", "healthbench-1f548d5b");
      expect(await page.locator("#items-body tr").count()).toBe(1);
      await page.click("#items-body tr");
      const marks = page.locator("#item-view .text mark");
      expect(await marks.count()).toBeGreaterThan(0);
      const first = await marks.first().textContent();
      expect(readFileSync("examples/health-answer.jsonl", "utf8")).toContain(first!);
      mkdirSync("tests/.output", { recursive: true });
      await page.screenshot({ path: "tests/.output/report.png", fullPage: true });
      expect(errors).toEqual([]);

      // A big run's data is gzipped into the page and unpacked by the browser.
      const big = Array.from({ length: 8000 }, (_, i) => ({
        item_id: `big-${i}`,
        raw_score: 1 + (i % 5),
        scale: { kind: "numeric", min: 1, max: 5, step: 1 },
        criteria: Array.from({ length: 10 }, (_, c) => ({
          id: `c${c}`,
          verdict: "met",
          evidence: [
            {
              quote: `quote ${c} of item ${i} with a few more words`,
              verified: true,
              input: "response",
              start: 0,
              end: 10,
            },
          ],
        })),
      }));
      const bigHtml = renderHtml(buildReport({ records: big, runFile: "big.jsonl" }));
      expect(bigHtml).toContain('data-encoding="gzip-base64"');
      const bigPath = join(dir, "big.html");
      writeFileSync(bigPath, bigHtml);
      await page.goto(`file://${bigPath}`);
      await page.waitForSelector("#items-body tr");
      expect(await page.locator("#items-page").textContent()).toBe("items 1–100 of 8000");
      await page.fill("#items-search", "big-7999");
      expect(await page.locator("#items-body tr").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe("hostile runs and pairwise runs in the report", () => {
  it("shows crafted ids, offsets, quotes, errors and judged text as text; nothing runs", async () => {
    const pwn = (n: number) => `<img src=x onerror="globalThis.__pwned=${n}">`;
    const records = [
      {
        item_id: `x</script><script>globalThis.__pwned=1</script>`,
        raw_score: 2,
        scale: { kind: "numeric", min: 1, max: 3, step: 1 },
        bundle: { id: `<script>globalThis.__pwned=6</script>`, version: "1", hash: pwn(7) },
        judge: { model: pwn(8), temperature: pwn(9) },
        flags: [`<svg onload="globalThis.__pwned=3">`],
        criteria: [
          {
            id: `c${pwn(10)}`,
            verdict: pwn(11),
            evidence: [
              { quote: "<!--<script>", verified: true, input: "response", start: pwn(2), end: "5" },
              { quote: "world", verified: true, input: "response", start: 19, end: 24, match: pwn(12) },
            ],
          },
        ],
      },
      { item_id: "plain", raw_score: 3, error: `row 2: ${pwn(13)}`, criteria: [] },
    ];
    const rows = new Map([[records[0]!.item_id, { response: `hello <!--<script> world </script> ${pwn(5)}` }]]);
    const out = renderHtml(
      buildReport({
        records,
        runFile: pwn(14),
        rows,
        drift: { overall: { flips: pwn(4), n: 1 }, flipped: [{ item_id: pwn(15), base: pwn(16), candidate: 1 }] },
      }),
    );
    // the data block cannot end the script element or open an HTML comment
    const data = /<script type="application\/json" id="report-data"[^>]*>([\s\S]*?)<\/script>/.exec(out)![1]!;
    expect(data).not.toMatch(/<\/script|<!--/i);
    const path = join(dir, "hostile.html");
    writeFileSync(path, out);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${path}`);
      // the page's own scripts ran: charts drawn, items listed
      await page.waitForSelector("#fig-distributions svg");
      expect(await page.locator("#items-body tr").count()).toBe(2);
      for (const i of [0, 1]) await page.locator("#items-body tr").nth(i).click();
      await page.locator("#items-body tr").first().click();
      const view = await page.locator("#item-view").textContent();
      expect(view).toContain("hello <!--<script> world </script>");
      // the crafted offsets were dropped, the valid ones highlight "world"
      expect(await page.locator("#item-view .text mark").allTextContents()).toEqual(["world"]);
      await page.locator("#items-search").fill("plain");
      await page.locator("#items-body tr").first().click();
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator("h1").textContent()).toBe("<script>globalThis.__pwned=6</script>@1");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("labels a pairwise run's axes B / tie / A and shows order consistency and position bias", async () => {
    const prefs = ["A", "A", "B", "tie", "A", "B", "A", "tie"] as const;
    const records = prefs.map((p, i) => ({
      item_id: `p${i}`,
      preferred: p,
      raw_score: p === "A" ? 1 : p === "B" ? 0 : 0.5,
      scale: { kind: "numeric", min: 0, max: 1, step: 0.5 },
      slice: i % 2 ? "code" : "chat",
      // A shown first, then B shown first (answers in the original labels)
      position:
        p === "tie"
          ? { consistent: 0, inconsistent: 1, orders: [["A", "B"]] }
          : { consistent: 1, inconsistent: 0, orders: [[p, p]] },
      criteria: [],
    }));
    const labels = new Map(records.map((r, i) => [r.item_id, [1, 0.5, 0, 1][i % 4]!]));
    const d = buildReport({ records, runFile: "pairs.jsonl", labels, resamples: 50 });
    expect(d.pairwise).toMatchObject({
      n: 8,
      preference: { A: 4, B: 2, tie: 2 },
      consistency: { consistent: 6, inconsistent: 2 },
      // consistent items pick the first shown in one order of two (6 of 12); the inconsistent
      // ones pick the first shown in both (4 of 4)
      position: { first: 10, decisive: 16 },
    });
    expect(d.pairwise!.slices.map((s) => s.label)).toEqual(["chat", "code"]);
    const path = join(dir, "pairwise.html");
    writeFileSync(path, renderHtml(d));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path}`);
      await page.waitForSelector("#fig-position svg");
      expect(
        await page.locator('#fig-distributions g[aria-label="fx-axis tick label"] text').allTextContents(),
      ).toEqual(["B", "tie", "A"]);
      expect(await page.locator('#fig-confusion g[aria-label="x-axis tick label"] text').allTextContents()).toEqual([
        "B",
        "tie",
        "A",
      ]);
      const pctTicks = await page.locator('#fig-preference g[aria-label="x-axis tick label"] text').allTextContents();
      expect(pctTicks).toEqual(["0", "25", "50", "75", "100"]);
      expect(await page.locator("#pairwise").textContent()).toMatch(/order consistency 75\.0%/);
      expect(await page.locator("#fig-preference g.bar rect").count()).toBe(9);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
