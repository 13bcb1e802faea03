// Browser tests of the dashboard against a running Creatives server with demo
// data (E2E_BASE_URL). Every case runs once per browser time zone, one east
// and one west of UTC, so a date shifted by a UTC conversion fails.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  apiGet,
  apiToken,
  BASE_URL,
  columnTexts,
  launchBrowser,
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
  assert.deepEqual(await columnTexts(page, "spend"), expected);

  // Ad copies are compared where the spend is unique, because rows with equal
  // spend may come in either order.
  const spendCounts = new Map();
  for (const row of response.rows)
    spendCounts.set(row.spend, (spendCounts.get(row.spend) ?? 0) + 1);
  const copies = await columnTexts(page, "ad_copy");
  response.rows.slice(0, 25).forEach((row, index) => {
    if (spendCounts.get(row.spend) !== 1) return;
    assert.ok(
      copies[index].startsWith(
        (row.ad_copies[0] ?? row.ad_copy).trim().slice(0, 30),
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

function shiftDays(iso, days) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return date.toISOString().slice(0, 10);
}

for (const timeZone of TIME_ZONES) {
  describe(`dashboard in ${timeZone}`, () => {
    let context;
    let page;

    before(async () => {
      context = await newContext(browser, timeZone);
    });

    after(async () => {
      await context?.close();
    });

    async function openSignedIn(path = "/") {
      page = await context.newPage();
      await page.goto(`${BASE_URL}${path}`);
      await page.waitForURL(/\/login/);
      await signIn(page);
      await waitForRows(page);
      return page;
    }

    test("wrong password shows the message", async () => {
      const login = await context.newPage();
      await login.goto(`${BASE_URL}/login`);
      await signIn(login, "not-the-password");
      const message = login.getByTestId("login-error");
      await message.waitFor();
      assert.equal(
        await message.textContent(),
        "Email or password is incorrect.",
      );
      await login.close();
    });

    test("login shows the API's rows", async () => {
      await openSignedIn();
      const view = defaultView();
      const params = query(page);
      assert.equal(params.customer, customer.id);
      assert.equal(params.event, view.event);
      assert.equal(params.start, view.start);
      assert.equal(params.end, view.end);
      assert.equal(params.attribution, view.attribution);
      await assertGridMatchesApi(page, await apiMetrics(view));
    });

    test("changing event and dates updates the table", async () => {
      const other = options.events.find(
        (event) => event !== options.default_event,
      );
      if (other !== undefined) {
        await page.getByRole("combobox", { name: "Event" }).click();
        await page.getByRole("option", { name: other, exact: true }).click();
        await page.waitForURL((url) => url.searchParams.get("event") === other);
        await assertGridMatchesApi(
          page,
          await apiMetrics({ ...defaultView(), event: other }),
        );
      }

      const event = other ?? options.default_event;
      const start = shiftDays(options.default_date_range.start_date, 3);
      const end = shiftDays(options.default_date_range.end_date, -2);
      await setDate(page, "Start date", start);
      await page.waitForURL((url) => url.searchParams.get("start") === start);
      await setDate(page, "End date", end);
      await page.waitForURL((url) => url.searchParams.get("end") === end);
      await assertGridMatchesApi(
        page,
        await apiMetrics({ ...defaultView(), event, start, end }),
      );
    });

    test("reload keeps the filters", async () => {
      await page.getByRole("button", { name: "1 day" }).click();
      await page.waitForURL(
        (url) => url.searchParams.get("attribution") === "1d",
      );
      const before = page.url();
      await page.reload();
      await waitForRows(page).catch(() =>
        page.getByTestId("empty-state").waitFor(),
      );
      assert.equal(page.url(), before);
      const pressed = await page
        .getByRole("button", { name: "1 day" })
        .getAttribute("aria-pressed");
      assert.equal(pressed, "true");
    });

    test("Restore filters returns to the defaults", async () => {
      await page.getByRole("button", { name: "Restore filters" }).click();
      const view = defaultView();
      await page.waitForURL(
        (url) => url.searchParams.get("start") === view.start,
      );
      assert.deepEqual(query(page), {
        customer: customer.id,
        event: view.event,
        start: view.start,
        end: view.end,
        attribution: view.attribution,
        sort: "-spend",
      });
      await assertGridMatchesApi(page, await apiMetrics(view));
    });

    test("sorting spend is numeric", async () => {
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
    });

    test("spend sorts 9.80 below 870.40 below 1,200.00", async () => {
      const sortPage = await context.newPage();
      const spends = [870.4, 9.8, 1200, 55, 100000];
      await sortPage.route(/\/creatives\/[^/]+\/metrics/, async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        body.rows = spends.map((spend, index) =>
          syntheticRow(`sort-${index}`, spend),
        );
        body.row_count = spends.length;
        await route.fulfill({ response, json: body });
      });
      await sortPage.goto(`${BASE_URL}/?customer=${customer.id}&sort=-spend`);
      await waitForRows(sortPage);
      const currency = options.currency;
      const descending = [100000, 1200, 870.4, 55, 9.8].map((value) =>
        money(value, currency),
      );
      await waitForColumn(sortPage, "spend", descending);

      await sortPage.getByRole("columnheader", { name: "Spend" }).click();
      await waitForColumn(sortPage, "spend", [...descending].reverse());
      await sortPage.close();
    });

    test("a shared link opens the same view", async () => {
      const event = options.events.at(-1);
      const start = shiftDays(options.date_range.end_date, -20);
      const end = shiftDays(options.date_range.end_date, -5);
      const link =
        `/?customer=${customer.id}&event=${event}&start=${start}&end=${end}` +
        `&attribution=30d&sort=-revenue`;

      const colleague = await newContext(browser, timeZone);
      const shared = await colleague.newPage();
      await shared.goto(`${BASE_URL}${link}`);
      await shared.waitForURL(/\/login\?next=/);
      await signIn(shared);
      await shared.waitForURL(
        (url) =>
          url.pathname === "/" && url.searchParams.get("start") === start,
      );
      assert.deepEqual(query(shared), {
        customer: customer.id,
        event,
        start,
        end,
        attribution: "30d",
        sort: "-revenue",
      });
      const pressed = await shared
        .getByRole("button", { name: "30 days" })
        .getAttribute("aria-pressed");
      assert.equal(pressed, "true");
      const response = await apiMetrics({
        event,
        start,
        end,
        attribution: "30d",
      });
      await shared
        .getByTestId("total-spend")
        .filter({ hasText: money(response.totals.spend, response.currency) })
        .waitFor();
      await colleague.close();
    });

    test("a failing API shows the error state", async () => {
      const failing = await context.newPage();
      await failing.route(/\/creatives\/[^/]+\/metrics/, (route) =>
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
      await failing.goto(`${BASE_URL}/?customer=${customer.id}`);
      const errorState = failing.getByTestId("error-state");
      await errorState.waitFor();
      assert.match(
        await errorState.textContent(),
        /Metrics query failed in test\./,
      );

      await failing.unroute(/\/creatives\/[^/]+\/metrics/);
      await errorState.getByRole("button", { name: "Retry" }).click();
      await waitForRows(failing);
      await failing.close();
    });

    test("an expired session returns to the same view", async () => {
      const url = page.url();
      await page.evaluate(() =>
        localStorage.setItem(
          "creatives.session",
          JSON.stringify({
            accessToken: "expired-token",
            expiresAt: Date.now() + 60_000,
          }),
        ),
      );
      await page.reload();
      await page.waitForURL(/\/login\?next=.*reason=expired/);
      await page.getByTestId("login-notice").waitFor();
      await signIn(page);
      await page.waitForURL(url);
      await waitForRows(page);
    });

    test("sign-out returns to the login page", async () => {
      await page.getByRole("button", { name: /account menu/i }).click();
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
      await page.close();
    });
  });
}
