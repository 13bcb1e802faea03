import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { CreativeRow } from "../../api/types";
import {
  conversion,
  conversionsResponse,
  creativeRow,
  jsonResponse,
} from "../../test/fixtures";
import {
  Providers,
  storeSession,
  stubApi,
  testUser,
} from "../../test/providers";
import type { PeriodFilters } from "../creatives/filters";
import { ConversionsDrawer } from "./ConversionsDrawer";

const filters: PeriodFilters = {
  customer: "23",
  event: "order_completed",
  start: "2024-06-01",
  end: "2024-06-30",
  attribution: "7d",
};

// 17:30 UTC on 10 June is 01:30 on 11 June in Singapore.
const listed = conversionsResponse([
  conversion("e1", 60.25, { window_days: 1, same_session: true }),
  conversion("e2", 30.25, {
    order_id: null,
    converted_at: "2024-06-12T01:00:00Z",
    clicked_at: "2024-06-08T01:00:00Z",
    window_days: 7,
  }),
  conversion("e3", null, { window_days: 7 }),
]);

const row = creativeRow("c1", 40, { conversions: 3, revenue: 90.5 });

function api(conversionsRoute: (url: URL) => Response) {
  return stubApi((url) =>
    url.pathname.endsWith("/conversions") ? conversionsRoute(url) : undefined,
  );
}

function renderDrawer(shown: CreativeRow = row, onClose = vi.fn()) {
  render(
    <Providers>
      <ConversionsDrawer
        row={shown}
        filters={filters}
        currency="USD"
        timeZone="Asia/Singapore"
        onClose={onClose}
      />
    </Providers>,
  );
  return onClose;
}

beforeEach(() => storeSession());

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe("ConversionsDrawer", () => {
  it("requests the row's conversions for the filters", async () => {
    const fetchMock = api(() => jsonResponse(listed));
    renderDrawer();
    await screen.findByTestId("conversions-total");
    const url = new URL(String(fetchMock.mock.calls.at(-1)![0]), "http://x");
    expect(url.pathname).toBe("/api/customer/23/creatives/c1/conversions");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      event: "order_completed",
      start_date: "2024-06-01",
      end_date: "2024-06-30",
      attribution: "7d",
      page_size: "500",
    });
  });

  it("says when the list shows only the first page", async () => {
    // The API's count and value cover every page; the list contains the first one.
    api(() =>
      jsonResponse(
        conversionsResponse(listed.conversions, { count: 600, value: 9000 }),
      ),
    );
    renderDrawer(creativeRow("c1", 40, { conversions: 600, revenue: 9000 }));
    const note = await screen.findByTestId("conversions-first-page");
    expect(note).toHaveTextContent(
      "Showing the first 3 of 600 conversions; the total covers all of them.",
    );
    expect(screen.getByTestId("conversions-total")).toHaveTextContent(
      "600 conversions, $9,000.00 in total",
    );
    expect(screen.getAllByTestId("conversion-row")).toHaveLength(3);
    expect(screen.queryByTestId("conversions-mismatch")).toBeNull();
  });

  it("lists values, times and a total matching the row", async () => {
    api(() => jsonResponse(listed));
    renderDrawer();
    const total = await screen.findByTestId("conversions-total");
    expect(total).toHaveTextContent("3 conversions, $90.50 in total");
    expect(screen.queryByTestId("conversions-mismatch")).toBeNull();

    const rows = screen.getAllByTestId("conversion-row");
    expect(rows).toHaveLength(3);
    const first = within(rows[0]!);
    expect(first.getByText("order-e1")).toBeInTheDocument();
    expect(first.getByText("$60.25")).toBeInTheDocument();
    expect(first.getByText(/Jun 11, 2024.*01:30 AM/)).toBeInTheDocument();
    expect(first.getByText(/Jun 11, 2024.*12:30 AM/)).toBeInTheDocument();
    expect(first.getByText("1 day, same session")).toBeInTheDocument();

    const second = within(rows[1]!);
    expect(second.getByText("No order ID")).toBeInTheDocument();
    expect(second.getByText(/Jun 12, 2024.*09:00 AM/)).toBeInTheDocument();
    expect(second.getByText("7 days")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("No value")).toBeInTheDocument();

    const footer = screen.getByText("Total of 3 conversions").closest("tr")!;
    expect(footer).toHaveTextContent("$90.50");
    expect(screen.getByText(/Times in Asia\/Singapore/)).toBeInTheDocument();
  });

  it("warns when the row's figures differ", async () => {
    api(() => jsonResponse(listed));
    renderDrawer(creativeRow("c1", 40, { conversions: 4, revenue: 120 }));
    const warning = await screen.findByTestId("conversions-mismatch");
    expect(warning).toHaveTextContent(
      "The table row shows 4 conversions worth $120.00.",
    );
  });

  it("says why page views have no list", async () => {
    api(() => jsonResponse(conversionsResponse([], { event: "page_view" })));
    renderDrawer(creativeRow("c1", 40, { conversions: 2567, revenue: 0 }));
    const warning = await screen.findByTestId("conversions-mismatch");
    expect(warning).toHaveTextContent(
      "The table row shows 2,567 conversions worth $0.00. Page views are counted per ad, but the attribution job stores no list of single page views.",
    );
    expect(warning).not.toHaveTextContent("rows loaded from files");
  });

  it("compares counts only for a null row revenue", async () => {
    api(() => jsonResponse(listed));
    // The metrics revenue may be null, which means no value rather than zero.
    renderDrawer(
      creativeRow("c1", 40, {
        conversions: 3,
        revenue: null as unknown as number,
      }),
    );
    await screen.findByTestId("conversions-total");
    expect(screen.queryByTestId("conversions-mismatch")).toBeNull();
  });

  it("shows the empty state", async () => {
    api(() => jsonResponse(conversionsResponse([])));
    renderDrawer(creativeRow("c1", 40, { conversions: 0, revenue: 0 }));
    expect(
      await screen.findByText("No conversions credited to this creative"),
    ).toBeInTheDocument();
    expect(screen.queryByTestId("conversions-mismatch")).toBeNull();
  });

  it("shows the server's error and retries", async () => {
    let fail = true;
    api(() =>
      fail
        ? jsonResponse(
            {
              error: { code: "not_found", message: "Creative 'c1' not found." },
            },
            404,
          )
        : jsonResponse(listed),
    );
    renderDrawer();
    const error = await screen.findByTestId("error-state");
    expect(error).toHaveTextContent("Creative 'c1' not found.");

    fail = false;
    await userEvent.click(within(error).getByRole("button", { name: "Retry" }));
    await waitFor(() =>
      expect(screen.getByTestId("conversions-total")).toHaveTextContent(
        "$90.50",
      ),
    );
  });

  it("shows a loading state", async () => {
    let answer: (response: Response) => void = () => undefined;
    const pending = new Promise<Response>((resolve) => (answer = resolve));
    // stubApi returns its responses at once, so this test delays one itself.
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: string) =>
        input.includes("/conversions")
          ? pending
          : jsonResponse({ user: testUser }),
      ),
    );
    renderDrawer();
    expect(
      await screen.findAllByLabelText("Loading conversions"),
    ).not.toHaveLength(0);
    answer(jsonResponse(listed));
    expect(await screen.findByTestId("conversions-total")).toBeInTheDocument();
  });

  it("closes from its button", async () => {
    api(() => jsonResponse(listed));
    const onClose = renderDrawer();
    await userEvent.click(
      screen.getByRole("button", { name: "Close conversions" }),
    );
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
