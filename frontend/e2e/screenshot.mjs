// Saves a screenshot of the dashboard with demo data to ../docs/dashboard.png.
// Needs a running server (E2E_BASE_URL) with the demo login.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { BASE_URL, launchBrowser, signIn, waitForRows } from "./support.mjs";

const output = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../docs/dashboard.png",
);

const browser = await launchBrowser();
try {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: "en-US",
    timezoneId: "Europe/Berlin",
  });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/login`);
  await signIn(page);
  await waitForRows(page);
  await page.locator("figure svg").nth(1).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(800);
  mkdirSync(dirname(output), { recursive: true });
  await page.screenshot({ path: output, fullPage: true });
  console.log(`Saved ${output}`);
} finally {
  await browser.close();
}
