/**
 * A headless browser for end-to-end tests that needs nothing but `npm ci`: the Chromium build
 * shipped inside `@sparticuz/chromium` (unpacked to the temp folder on first use), driven by
 * playwright-core. Set RULERS_CHROMIUM to a browser's path to use a system chromium instead.
 */
import sparticuz from "@sparticuz/chromium";
import { type Browser, chromium } from "playwright-core";

export async function launchBrowser(): Promise<Browser> {
  const system = process.env.RULERS_CHROMIUM;
  if (system) {
    return chromium.launch({
      executablePath: system,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  }
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
}
