import { describe, expect, it, vi } from "vitest";

import { creativeRow, metricsResponse } from "../../test/fixtures";
import type { DashboardFilters } from "./filters";
import { fetchAllMetrics } from "./useCreativeMetrics";

const filters: DashboardFilters = {
  customer: "23",
  event: "order_completed",
  start: "2024-07-07",
  end: "2024-07-31",
  attribution: "30d",
  search: "pizza",
  sort: "-roas",
};

describe("fetchAllMetrics", () => {
  it("loads every page and joins the rows", async () => {
    const pages = [
      [creativeRow("a", 3), creativeRow("b", 2)],
      [creativeRow("b", 2), creativeRow("c", 1)],
      [creativeRow("d", 0)],
    ];
    const request = vi.fn(
      async (_path: string, options?: { query?: Record<string, unknown> }) => {
        const page = Number(options?.query?.page);
        return metricsResponse(pages[page - 1]!, {
          row_count: 5,
          page,
          page_size: 2,
        });
      },
    );

    const result = await fetchAllMetrics(request as never, filters);

    expect(request).toHaveBeenCalledTimes(3);
    expect(result.rows.map((row) => row.id)).toEqual(["a", "b", "c", "d"]);
  });

  it("sends dates and filters as the API expects", async () => {
    const request = vi.fn(async () => metricsResponse([]));
    await fetchAllMetrics(request as never, filters);
    const [path, options] = request.mock.calls[0] as unknown as [
      string,
      { query: Record<string, unknown> },
    ];
    expect(path).toBe("/api/customer/23/creatives/order_completed/metrics");
    expect(options.query).toMatchObject({
      start_date: "2024-07-07",
      end_date: "2024-07-31",
      attribution: "30d",
      search: "pizza",
      page: 1,
      page_size: 1000,
    });
  });
});
