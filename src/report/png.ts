/**
 * PNG copies of the report's figures, rasterised by a headless Chromium when one is installed
 * (Debian's `chromium`); without one, the SVG files are the figures and the caller says so.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function findChromium(): string | null {
  const env = process.env.RULERS_CHROMIUM;
  if (env && existsSync(env)) return env;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Render one SVG (its own width and height) to a PNG at 2× scale; false when it could not. */
export function svgToPng(chromium: string, svg: string, out: string): boolean {
  const m = /width="(\d+)" height="(\d+)"/.exec(svg);
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [560, 260];
  const dir = mkdtempSync(join(tmpdir(), "rulers-png-"));
  try {
    const page = join(dir, "figure.html");
    // A white page with dark text: PNGs go into papers, which print on white.
    writeFileSync(
      page,
      `<!doctype html><html><body style="margin:0;background:#fff;color:#1d1d1f">${svg}</body></html>`,
    );
    const r = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${join(dir, "profile")}`,
        "--hide-scrollbars",
        "--force-device-scale-factor=2",
        `--window-size=${w},${h}`,
        `--screenshot=${out}`,
        `file://${page}`,
      ],
      { stdio: "ignore", timeout: 30_000 },
    );
    return r.status === 0 && existsSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
