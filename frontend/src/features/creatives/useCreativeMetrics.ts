import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type { MetricsResponse } from "../../api/types";
import { useApiRequest } from "../auth/useApiRequest";
import { metricsPath, periodQuery } from "./apiPaths";
import type { DashboardFilters } from "./filters";

/** The API's largest page; every page is fetched so the grid sorts locally. */
export const METRICS_PAGE_SIZE = 1000;
const PARALLEL_PAGES = 4;

type Request = ReturnType<typeof useApiRequest>;

/**
 * Loads every creative for the filters. The grid sorts and pages in the
 * browser, so the server sort only has to keep pages from overlapping.
 */
export async function fetchAllMetrics(
  request: Request,
  filters: DashboardFilters,
  signal?: AbortSignal,
): Promise<MetricsResponse> {
  const fetchPage = (page: number) =>
    request<MetricsResponse>(metricsPath(filters.customer, filters.event), {
      query: {
        ...periodQuery(filters),
        search: filters.search,
        sort: "-spend",
        page,
        page_size: METRICS_PAGE_SIZE,
      },
      signal,
    });

  const first = await fetchPage(1);
  const pageCount = Math.ceil(first.row_count / Math.max(first.page_size, 1));
  const rows = [...first.rows];

  for (let page = 2; page <= pageCount; page += PARALLEL_PAGES) {
    const batch = [];
    for (
      let next = page;
      next < page + PARALLEL_PAGES && next <= pageCount;
      next++
    ) {
      batch.push(fetchPage(next));
    }
    for (const response of await Promise.all(batch))
      rows.push(...response.rows);
  }

  // Rows with equal spend may move between pages while they load, so a row
  // can arrive twice; the grid needs unique ids.
  const unique = new Map(rows.map((row) => [row.id, row]));
  return { ...first, rows: [...unique.values()] };
}

export function useCreativeMetrics(filters: DashboardFilters | null) {
  const request = useApiRequest();
  return useQuery({
    queryKey: [
      "creative-metrics",
      filters?.customer,
      filters?.event,
      filters?.start,
      filters?.end,
      filters?.attribution,
      filters?.search,
    ],
    queryFn: ({ signal }) => fetchAllMetrics(request, filters!, signal),
    enabled: filters !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
