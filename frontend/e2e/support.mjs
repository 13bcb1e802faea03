// Shared setup for the browser tests: a real Chromium against a running
// Creatives server with demo data.
import { chromium } from "playwright-core";

export const BASE_URL = (
  process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000"
).replace(/\/$/, "");
export const EMAIL = process.env.E2E_EMAIL ?? "demo@creatives.local";
export const PASSWORD = process.env.E2E_PASSWORD ?? "demo-password";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const LOCALE = "en-US";

const LAUNCH_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
}

export function newContext(browser, timezoneId) {
  return browser.newContext({
    timezoneId,
    locale: LOCALE,
    // Tall enough that the grid renders a whole page of 25 rows.
    viewport: { width: 1280, height: 2000 },
    acceptDownloads: true,
  });
}

/** Signs in through the API, for checks that compare the page with the API. */
export async function apiToken() {
  const response = await fetch(`${BASE_URL}/api/account/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (!response.ok) {
    throw new Error(
      `Login as ${EMAIL} at ${BASE_URL} failed with HTTP ${response.status}; ` +
        "set E2E_BASE_URL, E2E_EMAIL and E2E_PASSWORD for a server with demo data.",
    );
  }
  return (await response.json()).accessToken;
}

export async function apiGet(token, path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of [value].flat()) params.append(key, String(item));
  }
  const text = params.toString();
  const response = await fetch(`${BASE_URL}${path}${text ? `?${text}` : ""}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok)
    throw new Error(`GET ${path} returned HTTP ${response.status}.`);
  return response.json();
}

/** Fills the login form and waits until the dashboard shows the grid. */
export async function signIn(page, password = PASSWORD) {
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function waitForRows(page) {
  await page.locator(".MuiDataGrid-row").first().waitFor({ timeout: 30_000 });
}

/** Texts of one column's cells on the current grid page, top to bottom. */
export async function columnTexts(page, field) {
  return page
    .locator(`.MuiDataGrid-row [data-field="${field}"]`)
    .evaluateAll((cells) =>
      cells.map((cell) => cell.textContent?.trim() ?? ""),
    );
}

/**
 * Waits until a column's rendered cells equal the start of `expected`. The
 * grid renders only the rows in view, so at least one row must be rendered
 * and the rendered rows are compared.
 */
export async function waitForColumn(page, field, expected) {
  try {
    await page.waitForFunction(
      ([name, values]) => {
        const selector = `.MuiDataGrid-row [data-field="${name}"]`;
        const cells = [...document.querySelectorAll(selector)];
        const texts = cells.map((cell) => cell.textContent?.trim() ?? "");
        if (texts.length === 0 || texts.length > values.length) return false;
        return texts.every((text, index) => text === values[index]);
      },
      [field, expected],
      { timeout: 30_000 },
    );
  } catch (error) {
    const displayed = await columnTexts(page, field);
    throw new Error(
      `Column ${field} at ${page.url()} shows ${JSON.stringify(displayed.slice(0, 8))}, ` +
        `expected ${JSON.stringify(expected.slice(0, 8))}: ${error.message}`,
    );
  }
}

export function query(page) {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

export function money(value, currency) {
  if (value === null) return "–";
  return new Intl.NumberFormat(LOCALE, { style: "currency", currency }).format(
    value,
  );
}

/** Parses displayed money such as `$1,200.00` back into a number. */
export function parseMoney(text) {
  return Number(text.replace(/[^0-9.-]/g, ""));
}

/** Builds a metrics row with made-up values for tests that replace a response. */
export function syntheticRow(id, spend) {
  return {
    id,
    ad_copy: `Synthetic creative ${id}`,
    ad_copies: [`Synthetic creative ${id}`],
    ad_ids: [id],
    spend,
    clicks: 10,
    impressions: 1000,
    sessions: 20,
    conversions: 1,
    revenue: spend * 2,
    roas: spend > 0 ? 2 : null,
    ctr: 0.01,
    cpc: spend / 10,
    cpm: spend,
    cpa: spend,
    conversion_rate: 0.05,
  };
}
