/**
 * Draws chart specs (charts.ts) with Observable Plot (ISC licence, with d3, ISC). The page gets
 * Plot and d3 inlined plus DRAW_SOURCE; `--figures` runs the very same DRAW_SOURCE under Node
 * with linkedom as the document, so the SVG files and the page's charts cannot drift apart.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChartSpec } from "./charts.js";

/**
 * Plain JavaScript, evaluated in both places. Only the mark types listed can be named by a spec,
 * and an axis's `names` map becomes its tick formatter.
 */
export const DRAW_SOURCE = `function drawChart(Plot, spec, document) {
  var MARKS = ["barX", "barY", "cell", "dot", "line", "link", "ruleX", "ruleY", "text", "tickX"];
  function axis(a) {
    if (!a) return a;
    var o = Object.assign({}, a);
    if (a.names) { var n = a.names; o.tickFormat = function (d) { var k = String(d); return Object.prototype.hasOwnProperty.call(n, k) ? n[k] : k; }; delete o.names; }
    return o;
  }
  var marks = spec.marks.map(function (m) {
    if (MARKS.indexOf(m.type) < 0) throw new Error("unknown mark " + m.type);
    return Plot[m.type](m.data, m.options);
  });
  var opts = Object.assign({}, spec.plot, { marks: marks, x: axis(spec.plot.x), y: axis(spec.plot.y), fx: axis(spec.plot.fx), fy: axis(spec.plot.fy) });
  if (document) opts.document = document;
  ["x", "y", "fx", "fy"].forEach(function (k) { if (opts[k] === undefined) delete opts[k]; });
  return Plot.plot(opts);
}`;

let libs: string | null = null;

/** A file inside an installed package, found from the package's entry (its `exports` hide `dist/`). */
function packageFile(name: string, file: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, "package.json")) || !dir.endsWith(join("node_modules", name))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the installed package \`${name}\`; run npm install`);
    dir = up;
  }
  return join(dir, file);
}

/** The inlined libraries, read once from node_modules (about 490 kB minified). */
export function chartLibraries(): string {
  libs ??= [
    readFileSync(packageFile("d3", "dist/d3.min.js"), "utf8"),
    readFileSync(packageFile("@observablehq/plot", "dist/plot.umd.min.js"), "utf8"),
  ].join("\n");
  return libs;
}

/** The specs as standalone SVG files (for `--figures`), drawn by Plot under linkedom. */
export async function drawSvgFiles(specs: readonly ChartSpec[]): Promise<Record<string, string>> {
  const Plot = await import("@observablehq/plot");
  const { parseHTML } = await import("linkedom");
  const draw = new Function(`${DRAW_SOURCE}\nreturn drawChart;`)() as (
    p: unknown,
    s: ChartSpec,
    d: unknown,
  ) => {
    outerHTML: string;
  };
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    const el = draw(Plot, spec, document);
    out[spec.file] = standalone(el.outerHTML, spec);
  }
  return out;
}

/**
 * A file needs the SVG namespace, a title, and its legend inside: Plot puts a colour legend in
 * HTML beside the chart (a <figure>), which an SVG file cannot hold, so it is drawn here instead.
 */
function standalone(html: string, spec: ChartSpec): string {
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  const main = svgs.at(-1) ?? "";
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const color = spec.plot.color as { legend?: boolean; domain?: string[]; range?: string[] } | undefined;
  const legend = color?.legend && color.domain && color.range ? color.domain : [];
  const top = legend.length ? 22 : 0;
  const swatches = legend
    .map(
      (name, i) =>
        `<g transform="translate(${10 + i * 150},6)"><rect width="10" height="10" fill="${esc(color!.range![i % color!.range!.length]!)}"/><text x="14" y="9" font-size="11" text-anchor="start">${esc(name)}</text></g>`,
    )
    .join("");
  return main
    .replace(/^<svg\b([^>]*)>/, (_, attrs: string) => {
      const w = Number(/\bwidth="(\d+)"/.exec(attrs)?.[1] ?? 600);
      const h = Number(/\bheight="(\d+)"/.exec(attrs)?.[1] ?? 280) + top;
      const rest = attrs.replace(/\s(width|height|viewBox)="[^"]*"/g, "");
      return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"${rest}><title>${esc(spec.title)}</title>${swatches}<g transform="translate(0,${top})">`;
    })
    .replace(/<\/svg>$/, "</g></svg>");
}
