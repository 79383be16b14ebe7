/**
 * The app while a large run is still being indexed, in the npm-installed Chromium: the page says
 * so, offers run order only, and opens the other orders when indexing finishes. The session is
 * opened in-process with `begin`, and indexing is started only after the first checks, so the
 * test does not race the indexer.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ReviewSession, startReviewServer } from "../../src/review/index.js";
import { launchBrowser } from "../helpers/browser.js";
import { writeRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-review-indexing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rulers review while indexing", () => {
  it("shows the first items at once, says it is indexing, and opens every order when done", async () => {
    const { run, rows } = writeRun(dir, 6000);
    const session = ReviewSession.begin({ run, input: rows, labels: join(dir, "labels.jsonl"), rater: "alice" });
    session.start();
    const server = await startReviewServer(session);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}#mode=stratified`);
      await page.waitForSelector("body[data-ready='0']");
      expect(await page.locator("#item h2").textContent()).toBe("item-000");
      expect(await page.locator("#indexing").textContent()).toMatch(
        /^indexing the run: \d+% — the other orders open when it finishes$/,
      );
      expect(await page.locator("#position").textContent()).toMatch(/^item 1 of \d+ so far$/);
      expect(await page.locator("#mode").inputValue()).toBe("run");
      expect(await page.locator("#mode option[value='stratified']").isDisabled()).toBe(true);
      // labelling works while indexing
      await page.keyboard.press("2");
      await page.waitForSelector("body[data-ready='1']");
      await session.indexInBackground();
      // the stratified order asked for in the URL is taken up once the index is complete
      await expect.poll(() => page.locator("#mode").inputValue()).toBe("stratified");
      await expect.poll(() => page.locator("#position").textContent()).toBe("item 1 of 6000");
      expect(await page.locator("#indexing").textContent()).toBe("");
      expect(await page.locator("#progress").textContent()).toBe("1 of 6000 labelled");
      expect(await page.locator("#mode option[value='stratified']").isDisabled()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
      session.close();
    }
  }, 120_000);
});
