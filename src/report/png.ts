/**
 * PNG copies of the report's figures, for papers and slides: the SVG rasterised by resvg (a Rust
 * SVG renderer shipped as a prebuilt npm binary), so no browser is needed. Text is set in DejaVu
 * Sans from the `dejavu-fonts-ttf` package and system fonts are never read: the same SVG gives the
 * same PNG bytes on every machine, and a machine without fonts still gets labelled axes.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { RulersError } from "../util/errors.js";

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
const FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) => join(FONT_DIR, f));

/** Dark text on white, as the HTML report's light theme draws it: PNGs go into papers, which print on white. */
const INK = "#1d1d1f";

export class PngError extends RulersError {
  override readonly code: string = "png";
  constructor(message: string) {
    super(message);
    this.name = "PngError";
  }
}

/**
 * Rasterise one figure at `scale`× its own width and height (2× by default, sharp on high-density
 * screens and in print). The figures draw in `currentColor`; here that is INK on a white background.
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  if (!/^\s*<svg\b/.test(svg)) throw new PngError("not an SVG document (it must start with <svg)");
  const inked = svg.replace(/^\s*<svg\b/, `<svg color="${INK}"`);
  try {
    const r = new Resvg(inked, {
      background: "#ffffff",
      fitTo: { mode: "zoom", value: scale },
      font: {
        fontFiles: FONTS,
        loadSystemFonts: false,
        defaultFontFamily: "DejaVu Sans",
        sansSerifFamily: "DejaVu Sans",
      },
    });
    return r.render().asPng();
  } catch (err) {
    throw new PngError(`could not rasterise the SVG: ${(err as Error).message}`);
  }
}
