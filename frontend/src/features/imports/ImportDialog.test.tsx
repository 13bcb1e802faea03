import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ImportSummary } from "../../api/types";
import type { components } from "../../api/schema";
import { filterOptions, jsonResponse } from "../../test/fixtures";
import { Providers, storeSession, stubApi } from "../../test/providers";
import { useFilterOptions } from "../creatives/useFilterOptions";
import { ImportDialog } from "./ImportDialog";

const summary: ImportSummary = {
  import_id: 7,
  customer_id: "23",
  channel: "facebook",
  platform: "meta",
  file_name: "meta.csv",
  file_sha256: "ab",
  already_imported: false,
  rows_read: 4,
  rows_imported: 3,
  rows_skipped: 1,
  ads_periods_stored: 3,
  skipped: [{ reason: "summary row", rows: 1, lines: "5" }],
  period_start: "2024-05-01",
  period_end: "2024-05-31",
  totals: [
    {
      currency: "EUR",
      rows: 3,
      spend: 135.75,
      conversion_value: 90,
      impressions: 4200,
      clicks: 41,
    },
  ],
  customer_currency: "EUR",
  spend_converted: 135.75,
  conversion_value_converted: 90,
  dashboard_rows: 3,
};

const rejection: components["schemas"]["ImportErrorResponse"] = {
  error: {
    code: "validation_error",
    message: "meta.csv, line 3, column 'cost', value 'abc': not a number",
    fields: [
      {
        field: "file",
        message: "line 3, column 'cost', value 'abc': not a number",
        file: "meta.csv",
        line: 3,
        column: "cost",
        value: "abc",
      },
    ],
  },
};

function renderDialog() {
  render(
    <Providers>
      <FilterOptionsProbe />
      <ImportDialog customer="23" open onClose={() => {}} />
    </Providers>,
  );
}

// Keeps the filter options query mounted, so an invalidation refetches it.
function FilterOptionsProbe() {
  useFilterOptions("23");
  return null;
}

async function chooseAndImport() {
  const user = userEvent.setup();
  const file = new File(["Ad name,Amount spent\n"], "meta.csv", {
    type: "text/csv",
  });
  await user.upload(screen.getByLabelText("Export file"), file);
  await user.type(screen.getByLabelText("Currency"), "eur");
  await user.click(screen.getByRole("button", { name: "Import" }));
}

describe("ImportDialog", () => {
  beforeEach(() => storeSession());
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it("posts the form and shows the summary", async () => {
    let optionsRequests = 0;
    const fetchMock = stubApi((url) => {
      if (url.pathname === "/api/customer/23/imports") {
        return jsonResponse(summary);
      }
      if (url.pathname.endsWith("/filter-options")) {
        optionsRequests += 1;
        return jsonResponse(filterOptions);
      }
      return undefined;
    });
    renderDialog();
    await waitFor(() => expect(optionsRequests).toBe(1));

    await chooseAndImport();

    expect(await screen.findByText("Imported meta.csv.")).toBeInTheDocument();
    expect(screen.getByText(/Rows read: 4, imported: 3/)).toBeInTheDocument();
    expect(screen.getByText("1 skipped: summary row")).toBeInTheDocument();
    expect(screen.getByText(/135\.75/)).toBeInTheDocument();
    const call = fetchMock.mock.calls.find(([input]) =>
      String(input).endsWith("/imports"),
    );
    const body = call?.[1]?.body as FormData;
    expect(body.get("platform")).toBe("meta");
    expect(body.get("currency")).toBe("EUR");
    expect(body.get("locale")).toBeNull();
    expect((body.get("file") as File).name).toBe("meta.csv");
    await waitFor(() => expect(optionsRequests).toBe(2));
  });

  it("shows the API's error with its position", async () => {
    stubApi((url) =>
      url.pathname === "/api/customer/23/imports"
        ? jsonResponse(rejection, 422)
        : undefined,
    );
    renderDialog();

    await chooseAndImport();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Import failed");
    expect(alert).toHaveTextContent("line 3, column 'cost', value 'abc'");
  });

  it("keeps Import disabled until a file is chosen", async () => {
    stubApi();
    renderDialog();

    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Import" })).toBeDisabled(),
    );
  });
});
