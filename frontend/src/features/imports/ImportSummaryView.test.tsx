import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { ImportSummary } from "../../api/types";
import { ImportSummaryView } from "./ImportSummaryView";

const summary: ImportSummary = {
  import_id: 7,
  customer_id: "88",
  channel: "facebook",
  platform: "meta",
  file_name: "meta.csv",
  file_sha256: "ab",
  already_imported: true,
  rows_read: 65,
  rows_imported: 65,
  rows_skipped: 0,
  ads_periods_stored: 65,
  skipped: [],
  period_start: "2025-09-01",
  period_end: "2025-09-30",
  totals: [],
  customer_currency: "PHP",
  spend_converted: 66067.6,
  conversion_value_converted: 0,
  dashboard_rows: 0,
};

describe("ImportSummaryView", () => {
  it("says a repeated file's rows were imported earlier", () => {
    render(<ImportSummaryView summary={summary} />);

    expect(
      screen.getByText(/Rows read: 65, imported earlier: 65/),
    ).toBeInTheDocument();
  });
});
