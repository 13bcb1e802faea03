import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { MetricsResponse } from "../../api/types";
import { metricsResponse } from "../../test/fixtures";
import {
  UnattributedSummary,
  type UnattributedSummaryProps,
} from "./UnattributedSummary";

// A metrics response as the API sends it for the worked example of
// docs/attribution.md: 200 sold in four sales, 20 of it in one sale unattributed.
const response: MetricsResponse = metricsResponse([], {
  totals: { ...metricsResponse([]).totals, revenue: 180, conversions: 3 },
  unattributed: {
    conversions: 1,
    revenue: 20,
    actual_conversions: 4,
    actual_revenue: 200,
  },
});

function renderSummary(
  body: MetricsResponse,
  overrides: Partial<UnattributedSummaryProps> = {},
) {
  render(
    <UnattributedSummary
      unattributed={body.unattributed}
      totals={body.totals}
      currency={body.currency}
      event={body.event}
      start={body.start_date}
      end={body.end_date}
      attribution={body.attribution}
      attributionLabel={body.attribution_label}
      searchActive={false}
      {...overrides}
    />,
  );
}

describe("UnattributedSummary", () => {
  it("adds attributed and unattributed up to actual", () => {
    renderSummary(response);
    expect(screen.getByTestId("balance-attributed-revenue")).toHaveTextContent(
      "$180.00",
    );
    expect(
      screen.getByTestId("balance-attributed-conversions"),
    ).toHaveTextContent("(3 conversions)");
    expect(
      screen.getByTestId("balance-unattributed-revenue"),
    ).toHaveTextContent("$20.00");
    expect(
      screen.getByTestId("balance-unattributed-conversions"),
    ).toHaveTextContent("(1 conversion, 10.00% of revenue)");
    expect(screen.getByTestId("balance-actual-revenue")).toHaveTextContent(
      "$200.00",
    );
    expect(screen.getByTestId("balance-actual-conversions")).toHaveTextContent(
      "(4 conversions)",
    );
    expect(screen.getByTestId("balance-attributed")).toHaveTextContent(
      "Attributed to ads (7-day attribution window)",
    );
    expect(screen.queryByTestId("unattributed-mismatch")).toBeNull();
  });

  it("says what unattributed means per window", () => {
    renderSummary(response);
    expect(screen.getByTestId("unattributed")).toHaveTextContent(
      "Unattributed conversions had no ad click in the 7 days before them.",
    );
  });

  it("formats money in the customer's currency", () => {
    renderSummary({ ...response, currency: "EUR" });
    expect(
      screen.getByTestId("balance-unattributed-revenue"),
    ).toHaveTextContent("€20.00");
    expect(screen.getByTestId("balance-actual-revenue")).toHaveTextContent(
      "€200.00",
    );
  });

  it("explains missing figures before attribution", () => {
    renderSummary({ ...response, unattributed: null });
    expect(screen.getByTestId("unattributed-missing")).toHaveTextContent(
      "attribution has not run for these days",
    );
    expect(screen.queryByTestId("balance-unattributed")).toBeNull();
  });

  it("explains the platform's own attribution", () => {
    renderSummary(
      { ...response, unattributed: null },
      { event: "platform_conversion" },
    );
    const note = screen.getByTestId("unattributed-platform");
    expect(note).toHaveTextContent(
      "platform_conversion figures are what the ad platform reports, with its own attribution.",
    );
    expect(note).not.toHaveTextContent("attribution has not run");
    expect(screen.queryByTestId("unattributed-missing")).toBeNull();
    expect(screen.queryByTestId("balance-unattributed")).toBeNull();
  });

  it("explains totals narrowed by a search", () => {
    renderSummary(
      {
        ...response,
        totals: { ...response.totals, revenue: 60, conversions: 1 },
      },
      { searchActive: true },
    );
    const note = screen.getByTestId("unattributed-mismatch");
    expect(note).toHaveTextContent("$60.00 from 1 conversion");
    expect(note).toHaveTextContent("the search shows only some creatives");
    // The balance itself still covers every ad.
    expect(screen.getByTestId("balance-attributed-revenue")).toHaveTextContent(
      "$180.00",
    );
  });

  it("treats a null revenue as no value", () => {
    // The metrics revenue may be null, which means no value rather than zero.
    const totals = {
      ...response.totals,
      revenue: null as unknown as number,
    };
    renderSummary({ ...response, totals });
    expect(screen.queryByTestId("unattributed-mismatch")).toBeNull();
    expect(screen.getByTestId("balance-attributed-revenue")).toHaveTextContent(
      "$180.00",
    );
  });

  it("describes the same-session figure", () => {
    renderSummary({
      ...response,
      attribution: "session",
      attribution_label: "Same session (not attributed)",
    });
    expect(screen.getByTestId("unattributed")).toHaveTextContent(
      "did not happen in a visit that started from an ad",
    );
  });
});
