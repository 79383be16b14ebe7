/**
 * The review app end to end: `rulers review` in a child process, driven by the npm-installed
 * Chromium. Twenty items labelled by keyboard give twenty labels; the server is killed with
 * SIGKILL and none is lost; a restart shows them; a second reviewer is refused; hostile text
 * stays text.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLabels } from "../../src/calibrate/index.js";
import { launchBrowser } from "../helpers/browser.js";
import { writeRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-review-app-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function review(
  args: string[],
): Promise<{ child: ChildProcess; url: string | null; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/cli-entry.ts", "review", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  return new Promise((resolve) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stderr: err, code: null });
    });
    child.stderr!.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ child, url: null, stderr: err, code }));
  });
}

describe("rulers review in a browser", () => {
  it("labels 20 items by keyboard, loses none to SIGKILL, shows them after a restart, refuses a second reviewer", async () => {
    const { run, rows, ids } = writeRun(dir);
    const labels = join(dir, "labels.jsonl");
    const args = ["--run", run, "--input", rows, "--labels", labels, "--rater", "alice"];
    const first = await review(args);
    expect(first.url).not.toBeNull();
    // the lock names the app for a refused second reviewer, but never holds the token
    const lock = readFileSync(`${labels}.lock`, "utf8");
    expect(lock).toContain('"rater":"alice"');
    expect(lock).not.toContain(new URL(first.url!).searchParams.get("token")!);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(first.url!);
      await page.waitForSelector("body[data-ready='0']");
      const pressed: [string, number][] = [];
      for (let i = 0; i < 20; i++) {
        const id = await page.locator("#item h2").textContent();
        const value = 1 + ((i * 3) % 4);
        await page.keyboard.press(String(value));
        await page.waitForSelector(`body[data-ready='${i + 1}']`);
        pressed.push([id!, value]);
      }
      expect(pressed.map((p) => p[0])).toEqual(ids.slice(0, 20));
      expect(await page.locator("#progress").textContent()).toBe("20 of 30 labelled");
      // hostile judged text and rationale are shown as text, never run
      await page.reload();
      await page.waitForSelector("body[data-ready='0']");
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      await page.waitForSelector("body[data-ready='3']");
      expect(await page.locator("#item .text").nth(1).textContent()).toContain("<!--<script>");
      expect(await page.locator("#item .rationale").textContent()).toContain("<img src=x");
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      // a label off the scale is refused by the server, with the reason
      const token = new URL(first.url!).searchParams.get("token")!;
      const res = await page.request.post(new URL("/api/labels", first.url!).href, {
        headers: { "x-review-token": token },
        data: { item_id: "item-000", label: 9 },
      });
      const bad = [res.status(), (await res.json()).error];
      expect(bad).toEqual([400, "item `item-000`: label 9 is outside the scale 1..4 step 1"]);
      // without the token nothing is served
      expect((await page.request.get(first.url!.replace(/\?token=.*/, "api/meta"))).status()).toBe(403);

      // a second reviewer on the same file is refused, and says by whom
      const second = await review([...args.slice(0, 6), "--rater", "bob"]);
      expect(second.url).toBeNull();
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/labels\.jsonl\.lock` is held by rater `alice`/);

      // SIGKILL: no chance to flush anything; every label was fsynced when it was entered
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      expect([...readLabels(labels)]).toEqual(pressed);
      expect(readFileSync(`${labels}.journal`, "utf8").trim().split("\n")).toHaveLength(20);

      const again = await review(args);
      expect(again.url).not.toBeNull();
      await page.goto(again.url!);
      await page.waitForSelector("body[data-ready='0']");
      expect(await page.locator("#progress").textContent()).toBe("20 of 30 labelled");
      expect(await page.locator("#saved").textContent()).toBe(`saved: ${pressed[0]![1]}`);
      // the button of the saved value is marked (its text is the value and its key, the same digit)
      expect(await page.locator("#label-buttons button.current").textContent()).toBe(
        `${pressed[0]![1]}${pressed[0]![1]}`,
      );
      // unlabelled only: the ten left
      await page.selectOption("#mode", "unlabelled");
      // (the page's CSP forbids string evaluation, so poll from outside)
      await expect.poll(() => page.locator("#position").textContent()).toBe("item 1 of 10");
      expect(await page.locator("#item h2").textContent()).toMatch(/^item-0(2\d)$/);
      expect(errors).toEqual([]);
      again.child.kill("SIGTERM");
      await new Promise((r) => again.child.once("exit", r));
    } finally {
      await browser.close();
    }
  }, 120_000);
});
