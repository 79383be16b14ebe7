/**
 * PNG figures without a browser: `rulers report --figures` rasterises each SVG chart with resvg and
 * the bundled DejaVu Sans, on any machine `npm ci` ran on.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildReport, figures } from "../../src/report/index.js";
import { PngError, svgToPng } from "../../src/report/png.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-png-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Records as `rulers judge` writes them: the CLI reads the run through the record contract.
const rec = (id: string, line: number, raw: number) => ({
  item_id: id,
  line,
  raw_score: raw,
  flags: [],
  scale: { kind: "numeric", min: 1, max: 4, step: 1 },
  bundle: { id: "b", version: "1.0.0", hash: `sha256:${"0".repeat(64)}` },
  judge: {
    base_url_host: "127.0.0.1",
    model: "m1",
    requested_model: "m1",
    system_fingerprint: null,
    temperature: 0,
    seed: null,
    samples: 1,
    format: "json_schema",
  },
  criteria: [{ id: "c", verdict: raw >= 3 ? "met" : "unmet", rationale: "", evidence: [], status: "ok" }],
});
const records = Array.from({ length: 40 }, (_, i) => rec(`i${i}`, i + 1, 1 + ((i * 7) % 4)));
const labels = new Map(records.map((r, i) => [r.item_id, 1 + ((i * 5) % 4)]));
const figs = await figures(buildReport({ records, runFile: "run.jsonl", labels, resamples: 20 }));

const SIGNATURE = "89504e470d0a1a0a";
/** Width and height from the IHDR chunk, which always comes first. */
const sizeOf = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
const svgSize = (svg: string) => {
  const root = /<svg\b[^>]*>/.exec(svg)![0];
  return ["width", "height"].map((a) => Number(new RegExp(`\\b${a}="([\\d.]+)"`).exec(root)![1]));
};

describe("svgToPng", () => {
  it("rasterises every figure of a report at twice its size", () => {
    expect(Object.keys(figs).length).toBeGreaterThan(1);
    for (const svg of Object.values(figs)) {
      const png = svgToPng(svg);
      expect(png.subarray(0, 8).toString("hex")).toBe(SIGNATURE);
      const [w, h] = svgSize(svg);
      expect(sizeOf(png)).toEqual([w! * 2, h! * 2]);
      expect(sizeOf(svgToPng(svg, 1))).toEqual([w, h]);
    }
  });

  it("gives the same bytes every time (no system fonts, no clock)", () => {
    const svg = figs["distributions.svg"]!;
    expect(svgToPng(svg).equals(svgToPng(svg))).toBe(true);
  });

  it("draws the labels: without its <text> elements a figure rasterises differently", () => {
    const svg = figs["distributions.svg"]!;
    const bare = svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, "");
    expect(bare).not.toBe(svg);
    expect(svgToPng(bare).equals(svgToPng(svg))).toBe(false);
  });

  it("refuses what is not an SVG document, saying so", () => {
    expect(() => svgToPng("<html></html>")).toThrow(PngError);
    expect(() => svgToPng("<html></html>")).toThrow(/not an SVG document/);
    expect(() => svgToPng("<svg><g></svg>")).toThrow(/could not rasterise the SVG/);
  });
});

describe("rulers report --figures", () => {
  it("writes a PNG beside every SVG, with no browser installed or asked for", async () => {
    const run = join(dir, "run.jsonl");
    writeFileSync(run, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const labelsFile = join(dir, "labels.jsonl");
    writeFileSync(
      labelsFile,
      `${[...labels].map(([item_id, label]) => JSON.stringify({ item_id, label })).join("\n")}\n`,
    );
    const out = join(dir, "figures");
    const r = await runCli([
      "report",
      "--run",
      run,
      "--labels",
      labelsFile,
      "--out",
      join(dir, "r.html"),
      "--figures",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    const svgs = files.filter((f) => f.endsWith(".svg"));
    expect(svgs.length).toBeGreaterThan(1);
    expect(files).toEqual([...svgs, ...svgs.map((f) => f.replace(/\.svg$/, ".png"))].sort());
    for (const f of svgs) {
      const png = readFileSync(join(out, f.replace(/\.svg$/, ".png")));
      expect(png.equals(svgToPng(readFileSync(join(out, f), "utf8")))).toBe(true);
      expect(r.stdout).toContain(`wrote ${join(out, f.replace(/\.svg$/, ".png"))}`);
    }
  });
});
