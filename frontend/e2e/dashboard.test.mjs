// Browser tests of the dashboard against a running Creatives server with demo
// data (E2E_BASE_URL). Every case runs once per browser time zone, one east
// and one west of UTC, so a date shifted by a UTC conversion fails.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";

import {
  apiGet,
  apiToken,
  BASE_URL,
  columnTexts,
  launchBrowser,
  LOCALE,
  money,
  newContext,
  parseMoney,
  query,
  signIn,
  syntheticRow,
  waitForColumn,
  waitForRows,
} from "./support.mjs";

const TIME_ZONES = ["Europe/Berlin", "America/New_York"];

let browser;
let token;
let customer;
let options;

before(async () => {
  browser = await launchBrowser();
  token = await apiToken();
  const customers = await apiGet(token, "/api/customers");
  customer = customers[0];
  options = await apiGet(
    token,
    `/api/customer/${customer.id}/creatives/filter-options`,
  );
});

after(async () => {
  await browser?.close();
});

function metricsPath(event) {
  return `/api/customer/${customer.id}/creatives/${encodeURIComponent(event)}/metrics`;
}

async function apiMetrics({ event, start, end, attribution, search }) {
  return apiGet(token, metricsPath(event), {
    start_date: start,
    end_date: end,
    attribution,
    ...(search ? { search } : {}),
    sort: "-spend",
    page_size: 1000,
  });
}

function defaultView() {
  return {
    event: options.default_event,
    start: options.default_date_range.start_date,
    end: options.default_date_range.end_date,
    attribution: options.default_attribution,
  };
}

function conversionsPath(creativeId) {
  return `/api/customer/${customer.id}/creatives/${encodeURIComponent(creativeId)}/conversions`;
}

async function apiConversions({ event, start, end, attribution }, creativeId) {
  return apiGet(token, conversionsPath(creativeId), {
    event,
    start_date: start,
    end_date: end,
    attribution,
  });
}

/** Lists the views searched for attribution results, the default view first. */
function candidateViews() {
  const whole = {
    start: options.date_range.start_date,
    end: options.date_range.end_date,
  };
  return [
    defaultView(),
    { ...defaultView(), attribution: "30d" },
    ...options.events.map((event) => ({
      ...whole,
      event,
      attribution: "30d",
    })),
  ];
}

// Maximum rows per view whose conversions are requested, because the API
// lists one creative per request.
const ROWS_TRIED_PER_VIEW = 10;

/**
 * Finds, through the API, a view and a row whose conversions list is not
 * empty, or returns the default view's first row with an empty list.
 */
async function findRowWithConversions() {
  let fallback = null;
  for (const view of candidateViews()) {
    const metrics = await apiMetrics(view);
    const rows = metrics.rows
      .filter((row) => row.conversions > 0)
      .slice(0, ROWS_TRIED_PER_VIEW);
    for (const row of rows) {
      const conversions = await apiConversions(view, row.id);
      if (conversions.count > 0) return { view, row, conversions };
    }
    if (fallback === null && metrics.rows.length > 0) {
      const row = metrics.rows[0];
      fallback = { view, row, conversions: await apiConversions(view, row.id) };
    }
  }
  return fallback;
}

/** Finds, through the API, a view whose metrics carry unattributed figures. */
async function findViewWithUnattributed() {
  for (const view of candidateViews()) {
    const metrics = await apiMetrics(view);
    if (metrics.unattributed != null) return { view, metrics };
  }
  return { view: defaultView(), metrics: await apiMetrics(defaultView()) };
}

function viewLink({ event, start, end, attribution }, search = "") {
  const params = new URLSearchParams({
    customer: customer.id,
    event,
    start,
    end,
    attribution,
    sort: "-spend",
  });
  if (search !== "") params.set("search", search);
  return `/?${params}`;
}

function conversionsText(count) {
  return `${new Intl.NumberFormat(LOCALE).format(count)} ${count === 1 ? "conversion" : "conversions"}`;
}

/** Formats a time as the drawer does: on the customer's clock. */
function customerTime(iso) {
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone: options.time_zone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

function cents(value) {
  return Math.round(value * 100);
}

/** Checks that the grid's first page shows the API's rows in spend order. */
async function assertGridMatchesApi(page, response) {
  const expected = response.rows
    .slice(0, 25)
    .map((row) => money(row.spend, response.currency));
  if (expected.length === 0) {
    await page.getByTestId("empty-state").waitFor();
    return;
  }
  await waitForColumn(page, "spend", expected);
  const displayed = await columnTexts(page, "spend");
  assert.deepEqual(displayed, expected.slice(0, displayed.length));

  // Ad copies are compared where the spend is unique, because rows with equal
  // spend may come in either order.
  const spendCounts = new Map();
  for (const row of response.rows)
    spendCounts.set(row.spend, (spendCounts.get(row.spend) ?? 0) + 1);
  const copies = await columnTexts(page, "ad_copy");
  response.rows.slice(0, copies.length).forEach((row, index) => {
    if (spendCounts.get(row.spend) !== 1) return;
    assert.ok(
      copies[index].startsWith(
        (row.ad_copies[0] ?? row.ad_copy ?? "No ad copy").trim().slice(0, 30),
      ),
      `row ${index + 1}: expected ad copy of ${row.id}, got "${copies[index]}"`,
    );
  });

  const counter = page.locator(".MuiTablePagination-displayedRows");
  await assert.doesNotReject(() =>
    counter
      .filter({ hasText: `of ${response.row_count}` })
      .waitFor({ timeout: 5000 }),
  );
  const totalSpend = page.getByTestId("total-spend");
  await totalSpend
    .filter({ hasText: money(response.totals.spend, response.currency) })
    .waitFor();
}

/** Types a date into a MUI date field, section by section. */
async function setDate(page, label, iso) {
  const [year, month, day] = iso.split("-").map(Number);
  const group = page.getByRole("group", { name: label });
  await group.getByRole("spinbutton", { name: "Day" }).click();
  await page.keyboard.type(String(day).padStart(2, "0"));
  await group.getByRole("spinbutton", { name: "Month" }).click();
  await page.keyboard.type(String(month).padStart(2, "0"));
  await group.getByRole("spinbutton", { name: "Year" }).click();
  await page.keyboard.type(String(year));
  await page.keyboard.press("Tab");
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/** Writes `YYYY-MM-DD` as the date fields show it, e.g. `01 Jun 2024`. */
function displayDay(iso) {
  const [year, month, day] = iso.split("-");
  return `${day} ${MONTHS[Number(month) - 1]} ${year}`;
}

/** Writes `YYYY-MM-DD` as the helper texts do, e.g. `1 Jun 2024`. */
function shortDay(iso) {
  const [year, month, day] = iso.split("-");
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
}

/** Reads a date field's day, month and year as shown, e.g. `01 Jun 2024`. */
async function dateFieldText(page, label) {
  // The date pickers load lazily after the grid, so wait for their sections.
  const sections = page
    .getByRole("group", { name: label })
    .getByRole("spinbutton");
  await sections.first().waitFor();
  return (await sections.allTextContents()).join(" ");
}

function shiftDays(iso, days) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return date.toISOString().slice(0, 10);
}

for (const timeZone of TIME_ZONES) {
  describe(`dashboard in ${timeZone}`, () => {
    // One signed-in browser context per time zone; each test opens its own
    // page in it. Tests that end the session use a context of their own.
    let context;

    before(async () => {
      context = await newContext(browser, timeZone);
      const page = await context.newPage();
      await page.goto(`${BASE_URL}/login`);
      await signIn(page);
      await waitForRows(page);
      await page.close();
    });

    after(async () => {
      await context?.close();
    });

    async function openDashboard(path = "/") {
      const page = await context.newPage();
      await page.goto(`${BASE_URL}${path}`);
      await waitForRows(page);
      return page;
    }

    async function withFreshContext(run) {
      const fresh = await newContext(browser, timeZone);
      try {
        await run(await fresh.newPage());
      } finally {
        await fresh.close();
      }
    }

    test("wrong password shows the message", async () => {
      await withFreshContext(async (page) => {
        await page.goto(`${BASE_URL}/login`);
        await signIn(page, "not-the-password");
        const message = page.getByTestId("login-error");
        await message.waitFor();
        assert.equal(
          await message.textContent(),
          "Email or password is incorrect.",
        );
        assert.match(page.url(), /\/login/);
      });
    });

    test("sign-in shows a 503 error message", async () => {
      await withFreshContext(async (page) => {
        await page.route("**/api/account/login", (route) =>
          route.fulfill({
            status: 503,
            json: {
              error: {
                code: "database_unavailable",
                message:
                  "The database is not reachable. Try again in a moment.",
              },
            },
          }),
        );
        await page.goto(`${BASE_URL}/login`);
        await signIn(page);
        const message = page.getByTestId("login-error");
        await message.waitFor();
        assert.equal(
          await message.textContent(),
          "The database is not reachable. Try again in a moment.",
        );
      });
    });

    test("login shows the API's rows", async () => {
      await withFreshContext(async (page) => {
        await page.goto(`${BASE_URL}/`);
        await page.waitForURL(/\/login/);
        await signIn(page);
        await waitForRows(page);

        const view = defaultView();
        assert.deepEqual(query(page), {
          customer: customer.id,
          event: view.event,
          start: view.start,
          end: view.end,
          attribution: view.attribution,
          sort: "-spend",
        });
        await assertGridMatchesApi(page, await apiMetrics(view));
        assert.equal(
          await dateFieldText(page, "Start date"),
          displayDay(view.start),
        );
        assert.equal(
          await dateFieldText(page, "End date"),
          displayDay(view.end),
        );
      });
    });

    test("changing event and dates updates the table", async () => {
      const page = await openDashboard();
      const other = options.events.find(
        (event) => event !== options.default_event,
      );
      assert.ok(other, "the demo data should have a second event");
      await page.getByRole("combobox", { name: "Event" }).click();
      await page.getByRole("option", { name: other, exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get("event") === other);
      await assertGridMatchesApi(
        page,
        await apiMetrics({ ...defaultView(), event: other }),
      );

      const start = shiftDays(options.default_date_range.start_date, 3);
      const end = shiftDays(options.default_date_range.end_date, -2);
      await setDate(page, "Start date", start);
      await page.waitForURL((url) => url.searchParams.get("start") === start);
      await setDate(page, "End date", end);
      await page.waitForURL((url) => url.searchParams.get("end") === end);
      const view = { ...defaultView(), event: other, start, end };
      await assertGridMatchesApi(page, await apiMetrics(view));
      await page.close();
    });

    test("a day outside the data names the range", async () => {
      const page = await openDashboard();
      const before = page.url();
      // Only the year changes, so no valid day is typed on the way there.
      const group = page.getByRole("group", { name: "Start date" });
      await group.getByRole("spinbutton", { name: "Year" }).click();
      await page.keyboard.type("2000");
      await page.keyboard.press("Tab");

      const helper = page
        .locator(".MuiFormControl-root")
        .filter({ has: group })
        .locator(".MuiFormHelperText-root");
      await helper.waitFor();
      assert.equal(
        await helper.textContent(),
        `Pick a day from ${shortDay(options.date_range.start_date)} to ${shortDay(options.default_date_range.end_date)}.`,
      );
      await page.waitForTimeout(1000);
      assert.equal(page.url(), before);
      await page.close();
    });

    test("CSV export names the search and totals", async () => {
      const page = await openDashboard();
      const view = { ...defaultView(), search: "a" };
      const metrics = await apiMetrics(view);
      await page.getByLabel("Search ad copy").fill(view.search);
      await page.waitForURL((url) => url.searchParams.get("search") === "a");
      await page
        .getByTestId("totals")
        .getByText(new RegExp(`^Totals of ${metrics.row_count} creatives?$`))
        .waitFor();

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export CSV" }).click(),
      ]);
      assert.equal(
        download.suggestedFilename(),
        `creatives_${customer.id}_${view.event}_${view.start}_${view.end}_${view.attribution}.csv`,
      );
      const lines = (await readFile(await download.path(), "utf8"))
        .replace(/^\uFEFF/, "")
        .split("\r\n");
      assert.ok(lines.includes("Search,a"), lines.slice(0, 8).join("\n"));
      const header = lines.indexOf("") + 1;
      const total = lines.at(-2);
      assert.match(total, /^Total,/);
      // Header line, one line per creative, the totals line, the final newline.
      assert.equal(lines.length - header, metrics.rows.length + 3);
      await page.close();
    });

    test("charts are named and add no tab stop", async () => {
      const page = await openDashboard();
      const charts = page.locator('[aria-label$=" chart"]');
      // The charts load lazily, after the grid.
      await charts.nth(1).waitFor();
      assert.deepEqual(
        (
          await charts.evaluateAll((nodes) =>
            nodes.map((node) => node.getAttribute("aria-label")),
          )
        ).sort(),
        [
          "Daily spend and attributed revenue chart",
          "ROAS against spend per creative chart",
        ].sort(),
      );
      assert.equal(await charts.locator('[tabindex="0"]').count(), 0);
      await page.close();
    });

    test("reload keeps the filters", async () => {
      const page = await openDashboard();
      await page.getByRole("button", { name: "1 day" }).click();
      await page.waitForURL(
        (url) => url.searchParams.get("attribution") === "1d",
      );
      await page.getByLabel("Search ad copy").fill("a");
      await page.waitForURL((url) => url.searchParams.get("search") === "a");
      const before = page.url();

      await page.reload();
      await waitForRows(page);
      assert.equal(page.url(), before);
      const dayButton = page.getByRole("button", { name: "1 day" });
      assert.equal(await dayButton.getAttribute("aria-pressed"), "true");
      assert.equal(await page.getByLabel("Search ad copy").inputValue(), "a");
      await page.close();
    });

    test("Restore filters returns to the defaults", async () => {
      const other = options.events.find(
        (event) => event !== options.default_event,
      );
      const page = await openDashboard(
        `/?customer=${customer.id}&event=${other}&attribution=30d&search=a&sort=roas`,
      );
      await page.getByRole("button", { name: "Restore filters" }).click();
      const view = defaultView();
      await page.waitForURL(
        (url) => url.searchParams.get("event") === view.event,
      );
      assert.deepEqual(query(page), {
        customer: customer.id,
        event: view.event,
        start: view.start,
        end: view.end,
        attribution: view.attribution,
        sort: "-spend",
      });
      assert.equal(await page.getByLabel("Search ad copy").inputValue(), "");
      await assertGridMatchesApi(page, await apiMetrics(view));
      await page.close();
    });

    test("sorting spend is numeric", async () => {
      const page = await openDashboard();
      await page.getByRole("combobox", { name: /rows per page/i }).click();
      await page.getByRole("option", { name: "100" }).click();
      const header = page.getByRole("columnheader", { name: "Spend" });
      await header.click();
      await page.waitForURL((url) => url.searchParams.get("sort") === "spend");
      await header.click();
      await page.waitForURL((url) => url.searchParams.get("sort") === "-spend");

      const values = (await columnTexts(page, "spend")).map(parseMoney);
      assert.ok(
        values.length > 1,
        "the demo data should show more than one creative",
      );
      for (let index = 1; index < values.length; index++) {
        assert.ok(
          values[index - 1] >= values[index],
          `spend not descending at row ${index + 1}`,
        );
      }
      await page.close();
    });

    test("spend sorts 9.80 below 870.40 below 1,200.00", async () => {
      const page = await context.newPage();
      const spends = [870.4, 9.8, 1200, 55, 100000];
      await page.route(/\/creatives\/[^/]+\/metrics/, async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        body.rows = spends.map((spend, index) =>
          syntheticRow(`sort-${index}`, spend),
        );
        body.row_count = spends.length;
        await route.fulfill({ response, json: body });
      });
      await page.goto(`${BASE_URL}/?customer=${customer.id}&sort=-spend`);
      await waitForRows(page);
      const descending = [100000, 1200, 870.4, 55, 9.8].map((value) =>
        money(value, options.currency),
      );
      await waitForColumn(page, "spend", descending);

      await page.getByRole("columnheader", { name: "Spend" }).click();
      await waitForColumn(page, "spend", [...descending].reverse());
      await page.close();
    });

    test("a shared link opens the same view", async () => {
      const event = options.events.at(-1);
      const start = shiftDays(options.date_range.end_date, -20);
      const end = shiftDays(options.date_range.end_date, -5);
      const link =
        `/?customer=${customer.id}&event=${event}&start=${start}&end=${end}` +
        `&attribution=30d&sort=-revenue`;

      await withFreshContext(async (page) => {
        await page.goto(`${BASE_URL}${link}`);
        await page.waitForURL(/\/login\?next=/);
        await signIn(page);
        await page.waitForURL(
          (url) => url.pathname === "/" && url.searchParams.has("start"),
        );
        assert.deepEqual(query(page), {
          customer: customer.id,
          event,
          start,
          end,
          attribution: "30d",
          sort: "-revenue",
        });
        const monthButton = page.getByRole("button", { name: "30 days" });
        assert.equal(await monthButton.getAttribute("aria-pressed"), "true");
        const response = await apiMetrics({
          event,
          start,
          end,
          attribution: "30d",
        });
        await page
          .getByTestId("total-spend")
          .filter({ hasText: money(response.totals.spend, response.currency) })
          .waitFor();
      });
    });

    test("a row's conversions match the API", async (t) => {
      const found = await findRowWithConversions();
      assert.ok(found, "the demo data should have at least one creative");
      const { view, row, conversions } = found;

      // The first ad id as search keeps the row on the grid's first page.
      const page = await openDashboard(viewLink(view, row.ad_ids[0] ?? ""));
      const gridRow = page.locator(`.MuiDataGrid-row[data-id="${row.id}"]`);
      await gridRow.getByRole("button", { name: "Show conversions" }).click();
      const drawer = page.getByTestId("conversions-drawer");
      await drawer.waitFor();
      assert.match(
        await drawer.textContent(),
        new RegExp(`Times in ${options.time_zone}`),
      );

      if (conversions.count === 0) {
        await drawer
          .getByText("No conversions credited to this creative")
          .waitFor();
        const warning = drawer.getByTestId("conversions-mismatch");
        assert.equal(await warning.count(), row.conversions > 0 ? 1 : 0);
        await page.close();
        t.skip(
          "no creative of the demo data has attributed conversions, so only " +
            "the empty list was checked; run attribution on the demo data to " +
            "check the sums",
        );
        return;
      }

      const total = drawer.getByTestId("conversions-total");
      await total.waitFor();
      assert.equal(
        await total.textContent(),
        `${conversionsText(conversions.count)}, ` +
          `${money(conversions.value, conversions.currency)} in total`,
      );

      // The list's own values add up to the API's total.
      const listed = conversions.conversions.slice(0, 500);
      const values = await drawer
        .getByTestId("conversion-value")
        .allTextContents();
      assert.equal(values.length, listed.length);
      assert.deepEqual(
        values,
        listed.map((item) =>
          item.value === null
            ? "No value"
            : money(item.value, conversions.currency),
        ),
      );
      if (conversions.count === listed.length) {
        const sum = listed.reduce((acc, item) => acc + (item.value ?? 0), 0);
        assert.equal(cents(sum), cents(conversions.value));
      }
      const firstRow = drawer.getByTestId("conversion-row").first();
      assert.match(
        await firstRow.textContent(),
        new RegExp(customerTime(listed[0].converted_at)),
      );

      // The list and the grid row are the same conversions.
      assert.equal(conversions.count, row.conversions, "conversion count");
      assert.equal(
        cents(conversions.value),
        cents(row.revenue ?? 0),
        "conversion value against the row's revenue",
      );
      assert.equal(await drawer.getByTestId("conversions-mismatch").count(), 0);

      await drawer.getByRole("button", { name: "Close conversions" }).click();
      await drawer.waitFor({ state: "detached" });
      await page.close();
    });

    test("unattributed sales match the API", async (t) => {
      const { view, metrics } = await findViewWithUnattributed();
      const page = await openDashboard(viewLink(view));

      if (metrics.unattributed == null) {
        const missing = page.getByTestId("unattributed-missing");
        await missing.waitFor();
        assert.match(
          await missing.textContent(),
          /attribution has not run for these days/,
        );
        await page.close();
        t.skip(
          "the demo data has no attribution results, so only the " +
            "explanation for missing figures was checked",
        );
        return;
      }

      const { unattributed, currency } = metrics;
      const attributedRevenue =
        unattributed.actual_revenue - unattributed.revenue;
      const attributedCount =
        unattributed.actual_conversions - unattributed.conversions;
      const expected = {
        "balance-attributed-revenue": money(attributedRevenue, currency),
        "balance-unattributed-revenue": money(unattributed.revenue, currency),
        "balance-actual-revenue": money(unattributed.actual_revenue, currency),
      };
      for (const [testId, text] of Object.entries(expected)) {
        const figure = page.getByTestId(testId);
        await figure.filter({ hasText: text }).waitFor();
      }
      assert.match(
        await page.getByTestId("balance-attributed-conversions").textContent(),
        new RegExp(`^\\(${conversionsText(attributedCount)}`),
      );
      assert.match(
        await page
          .getByTestId("balance-unattributed-conversions")
          .textContent(),
        new RegExp(`^\\(${conversionsText(unattributed.conversions)}`),
      );
      assert.equal(
        await page.getByTestId("balance-actual-conversions").textContent(),
        `(${conversionsText(unattributed.actual_conversions)})`,
      );

      // Attributed plus unattributed is what the shop sold, so the table's
      // totals over every creative must equal the attributed part.
      assert.equal(
        cents(metrics.totals.revenue ?? 0),
        cents(attributedRevenue),
        "total revenue against actual minus unattributed",
      );
      assert.equal(metrics.totals.conversions, attributedCount);
      assert.equal(await page.getByTestId("unattributed-mismatch").count(), 0);
      await page.close();
    });

    test("a failing API shows the error state", async () => {
      const page = await context.newPage();
      const metricsUrl = /\/creatives\/[^/]+\/metrics/;
      await page.route(metricsUrl, (route) =>
        route.fulfill({
          status: 500,
          json: {
            error: {
              code: "internal_error",
              message: "Metrics query failed in test.",
            },
          },
        }),
      );
      await page.goto(`${BASE_URL}/?customer=${customer.id}`);
      const errorState = page.getByTestId("error-state");
      await errorState.waitFor();
      assert.match(
        await errorState.textContent(),
        /Metrics query failed in test\./,
      );

      await page.unroute(metricsUrl);
      await errorState.getByRole("button", { name: "Retry" }).click();
      await waitForRows(page);
      await page.close();
    });

    test("an expired session returns to the same view", async () => {
      await withFreshContext(async (page) => {
        const link = `/?customer=${customer.id}&attribution=1d`;
        await page.goto(`${BASE_URL}/login`);
        await page.evaluate(() =>
          localStorage.setItem(
            "creatives.session",
            JSON.stringify({
              accessToken: "revoked-token",
              expiresAt: Date.now() + 60_000,
            }),
          ),
        );
        await page.goto(`${BASE_URL}${link}`);
        await page.waitForURL(/\/login\?next=.*reason=expired/);
        await page
          .getByTestId("login-notice")
          .filter({ hasText: "expired" })
          .waitFor();
        await signIn(page);
        await page.waitForURL(
          (url) => url.pathname === "/" && url.searchParams.has("start"),
        );
        assert.equal(query(page).attribution, "1d");
        await waitForRows(page);
      });
    });

    test("sign-out returns to the login page", async () => {
      await withFreshContext(async (page) => {
        await page.goto(`${BASE_URL}/login`);
        await signIn(page);
        await waitForRows(page);
        await page.getByRole("button", { name: /account menu/i }).click();
        await page
          .getByTestId("signed-in-user")
          .filter({ hasText: "demo@creatives.local" })
          .waitFor();
        await page.getByRole("menuitem", { name: "Sign out" }).click();
        await page.waitForURL(/\/login/);
        await page
          .getByTestId("login-notice")
          .filter({ hasText: "signed out" })
          .waitFor();
        const stored = await page.evaluate(() =>
          localStorage.getItem("creatives.session"),
        );
        assert.equal(stored, null);
      });
    });
  });
}
