// Measures the grid with 5,000 creatives: the real metrics response is
// replaced by synthetic rows, everything else comes from the running server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  apiGet,
  apiToken,
  BASE_URL,
  launchBrowser,
  newContext,
  signIn,
  syntheticRow,
  waitForRows,
} from "./support.mjs";

const ROW_COUNT = 5000;
const BUDGET_MS = 300;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// Records when the first grid row appears, in the page's own clock.
function recordFirstRow() {
  const observer = new MutationObserver(() => {
    if (document.querySelector(".MuiDataGrid-row") !== null) {
      window.__firstRowAt = performance.now();
      observer.disconnect();
    }
  });
  document.addEventListener("DOMContentLoaded", () =>
    observer.observe(document.body, { childList: true, subtree: true }),
  );
}

test(`grid renders and sorts ${ROW_COUNT} creatives`, async () => {
  const token = await apiToken();
  const [customer] = await apiGet(token, "/api/customers");
  const context = await newContext(browser, "Europe/Berlin");
  const page = await context.newPage();

  await page.goto(`${BASE_URL}/login`);
  await signIn(page);
  await waitForRows(page).catch(() =>
    page.getByTestId("empty-state").waitFor(),
  );

  // Spends in a scrambled order, so the sort has real work to do.
  const rows = Array.from({ length: ROW_COUNT }, (_, index) =>
    syntheticRow(`perf-${index}`, ((index * 7919) % 100_003) / 10),
  );
  await page.route(/\/creatives\/[^/]+\/metrics/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.rows = rows;
    body.row_count = ROW_COUNT;
    body.page_size = ROW_COUNT;
    await route.fulfill({ response, json: body });
  });
  await page.addInitScript(recordFirstRow);
  await page.goto(`${BASE_URL}/?customer=${customer.id}&sort=-spend`);
  await waitForRows(page);

  const renderMs = await page.evaluate(() => {
    const entry = performance
      .getEntriesByType("resource")
      .find((item) => item.name.includes("/metrics"));
    return window.__firstRowAt - entry.responseEnd;
  });

  const sortMs = await page.evaluate(async () => {
    const firstSpend = () =>
      document.querySelector('.MuiDataGrid-row [data-field="spend"]')
        ?.textContent;
    const header = document.querySelector(
      '[role="columnheader"][data-field="spend"]',
    );
    const before = firstSpend();
    const started = performance.now();
    header.querySelector(".MuiDataGrid-columnHeaderTitleContainer").click();
    await new Promise((resolve) => {
      const check = () =>
        firstSpend() !== before ? resolve() : requestAnimationFrame(check);
      check();
    });
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - started;
  });

  console.log(
    `${ROW_COUNT} rows: first render ${renderMs.toFixed(0)} ms after the response, ` +
      `sort by spend ${sortMs.toFixed(0)} ms`,
  );
  assert.ok(renderMs < BUDGET_MS, `render took ${renderMs.toFixed(0)} ms`);
  assert.ok(sortMs < BUDGET_MS, `sort took ${sortMs.toFixed(0)} ms`);
  await context.close();
});
