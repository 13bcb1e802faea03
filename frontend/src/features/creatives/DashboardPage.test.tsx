import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Customer } from "../../api/types";
import {
  conversion,
  conversionsResponse,
  creativeRow,
  filterOptions,
  jsonResponse,
  metricsResponse,
} from "../../test/fixtures";
import { Providers, storeSession, stubApi } from "../../test/providers";
import { DashboardPage } from "./DashboardPage";

const customers: Customer[] = [
  {
    id: "23",
    name: "Pizzeria Napoli",
    currency: "USD",
    time_zone: "America/New_York",
  },
];

const metrics = metricsResponse(
  [creativeRow("c1", 870.4), creativeRow("c2", 9.8)],
  {
    totals: {
      ...metricsResponse([]).totals,
      spend: 880.2,
      revenue: 2860.65,
      roas: 3.25,
    },
  },
);

function api(metricsRoute: (url: URL) => Response, options = filterOptions) {
  return stubApi((url) => {
    if (url.pathname === "/api/customers") return jsonResponse(customers);
    if (url.pathname.endsWith("/filter-options")) return jsonResponse(options);
    if (url.pathname.endsWith("/metrics")) return metricsRoute(url);
    if (url.pathname.endsWith("/daily"))
      return jsonResponse({ currency: "USD", days: [] });
    if (url.pathname.endsWith("/c1/conversions"))
      return jsonResponse(
        conversionsResponse([conversion("e1", 1000), conversion("e2", 740.8)]),
      );
    return undefined;
  });
}

beforeEach(() => storeSession());

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe("DashboardPage", () => {
  it("shows the API's totals", async () => {
    api(() => jsonResponse(metrics));
    render(
      <Providers>
        <DashboardPage />
      </Providers>,
    );
    const spend = await screen.findByTestId("total-spend");
    expect(spend).toHaveTextContent("$880.20");
    expect(screen.getByTestId("total-revenue")).toHaveTextContent("$2,860.65");
    expect(screen.getByTestId("total-roas")).toHaveTextContent("3.25x");
    expect(screen.getByText("Totals of 2 creatives")).toBeInTheDocument();
  });

  it("names the event and dates when empty", async () => {
    api(() => jsonResponse(metricsResponse([])));
    render(
      <Providers url="/?customer=23&start=2024-03-01&end=2024-03-31">
        <DashboardPage />
      </Providers>,
    );
    const empty = await screen.findByText("No creatives for order_completed");
    expect(empty).toBeInTheDocument();
    expect(
      screen.getByText(
        /between March 1, 2024 and March 31, 2024|between 1 March 2024 and 31 March 2024/,
      ),
    ).toBeInTheDocument();
  });

  it("shows the server's error and retries", async () => {
    let fail = true;
    const fetchMock = api(() =>
      fail
        ? jsonResponse(
            { error: { code: "internal_error", message: "Query timed out." } },
            500,
          )
        : jsonResponse(metrics),
    );
    render(
      <Providers>
        <DashboardPage />
      </Providers>,
    );
    const error = await screen.findByTestId("error-state");
    expect(error).toHaveTextContent("Query timed out.");

    fail = false;
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() =>
      expect(screen.getByTestId("total-spend")).toHaveTextContent("$880.20"),
    );
    const metricCalls = fetchMock.mock.calls.filter(([url]) =>
      String(url).includes("/metrics"),
    );
    expect(metricCalls).toHaveLength(2);
  });

  it("shows a 503 error message", async () => {
    api(() =>
      jsonResponse(
        {
          error: {
            code: "database_unavailable",
            message: "The database is not reachable. Try again in a moment.",
          },
        },
        503,
      ),
    );
    render(
      <Providers>
        <DashboardPage />
      </Providers>,
    );
    const error = await screen.findByTestId("error-state");
    expect(error).toHaveTextContent("The database is not reachable.");
    expect(error).not.toHaveTextContent(/did not answer|not answering/);
  });

  it("shows a failed fetch as no answer", async () => {
    stubApi((url) => {
      if (url.pathname === "/api/customers") throw new TypeError("offline");
      return undefined;
    });
    render(
      <Providers>
        <DashboardPage />
      </Providers>,
    );
    expect(await screen.findByTestId("error-state")).toHaveTextContent(
      "The server did not answer.",
    );
  });

  it("opens a row's conversions", async () => {
    api(() => jsonResponse(metrics));
    render(
      <Providers>
        <DashboardPage />
      </Providers>,
    );
    const buttons = await screen.findAllByRole("button", {
      name: "Show conversions",
    });
    // Rows are sorted by spend, so c1 comes first.
    await userEvent.click(buttons[0]!);
    const total = await screen.findByTestId("conversions-total");
    expect(total).toHaveTextContent("2 conversions, $1,740.80 in total");
    expect(screen.queryByTestId("conversions-mismatch")).toBeNull();
    expect(screen.getByText(/Times in America\/New_York/)).toBeInTheDocument();
  });

  it("offers no conversions list for page views", async () => {
    api(() => jsonResponse({ ...metrics, event: "page_view" }), {
      ...filterOptions,
      events: ["order_completed", "page_view"],
    });
    render(
      <Providers url="/?customer=23&event=page_view">
        <DashboardPage />
      </Providers>,
    );
    const rows = await screen.findAllByRole("button", {
      name: /Show full ad copy/,
    });
    expect(rows).toHaveLength(2);
    expect(
      screen.queryAllByRole("button", { name: "Show conversions" }),
    ).toHaveLength(0);
  });

  it("shows the unattributed sales beside the totals", async () => {
    api(() =>
      jsonResponse({
        ...metrics,
        totals: { ...metrics.totals, conversions: 4 },
        unattributed: {
          conversions: 2,
          revenue: 139.35,
          actual_conversions: 6,
          actual_revenue: 3000,
        },
      }),
    );
    render(
      <Providers>
        <DashboardPage />
      </Providers>,
    );
    const unattributed = await screen.findByTestId(
      "balance-unattributed-revenue",
    );
    expect(unattributed).toHaveTextContent("$139.35");
    expect(screen.getByTestId("balance-attributed-revenue")).toHaveTextContent(
      "$2,860.65",
    );
    expect(screen.getByTestId("balance-actual-revenue")).toHaveTextContent(
      "$3,000.00",
    );
    expect(screen.queryByTestId("unattributed-mismatch")).toBeNull();
  });
});

describe("DashboardPage with imported platform data", () => {
  const platformOptions = {
    ...filterOptions,
    events: ["order_completed", "platform_conversion"],
  };

  function platformApi(response: ReturnType<typeof metricsResponse>) {
    return api(() => jsonResponse(response), platformOptions);
  }

  it("labels platform revenue and disables the window", async () => {
    platformApi(
      metricsResponse([creativeRow("c1", 870.4, { revenue: null })], {
        event: "platform_conversion",
        totals: { ...metricsResponse([]).totals, spend: 870.4 },
      }),
    );
    render(
      <Providers url="/?customer=23&event=platform_conversion">
        <DashboardPage />
      </Providers>,
    );

    const revenue = await screen.findByTestId("total-revenue");
    expect(revenue).toHaveTextContent("Platform revenue");
    expect(revenue).toHaveTextContent("–");
    expect(screen.getByTestId("total-roas")).toHaveTextContent("–");
    const windows = screen.getByRole("group", { name: "Attribution window" });
    for (const button of within(windows).getAllByRole("button"))
      expect(button).toBeDisabled();
    // The platform sends totals only, so no row offers a conversions list.
    expect(
      screen.queryAllByRole("button", { name: "Show conversions" }),
    ).toHaveLength(0);
    expect(screen.getByTestId("unattributed-platform")).toBeInTheDocument();
    expect(screen.queryByText(/attribution has not run/)).toBeNull();
    expect(windows).toHaveAccessibleDescription(
      /ad platform applies its own attribution/,
    );
  });

  it("keeps the window for pixel events", async () => {
    platformApi(
      metricsResponse([creativeRow("c1", 870.4)], {
        columns: [
          { field: "roas", headerName: "ROAS", type: "number", unit: "ratio" },
          {
            field: "platform_roas",
            headerName: "Platform ROAS",
            type: "number",
            unit: "ratio",
          },
        ],
        totals: {
          ...metricsResponse([]).totals,
          spend: 870.4,
          revenue: 1740.8,
          roas: 2,
          platform_roas: 0.2057,
        },
      }),
    );
    render(
      <Providers url="/?customer=23&event=order_completed">
        <DashboardPage />
      </Providers>,
    );

    const revenue = await screen.findByTestId("total-revenue");
    expect(revenue).toHaveTextContent(/^Revenue/);
    expect(screen.getByTestId("total-platform_roas")).toHaveTextContent(
      "Platform ROAS0.21x",
    );
    const windows = screen.getByRole("group", { name: "Attribution window" });
    for (const button of within(windows).getAllByRole("button"))
      expect(button).toBeEnabled();
    expect(
      screen.queryByText(/ad platform applies its own attribution/),
    ).not.toBeInTheDocument();
  });
});
