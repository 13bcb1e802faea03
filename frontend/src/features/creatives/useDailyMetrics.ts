import { useQuery } from "@tanstack/react-query";

import type { DailyResponse } from "../../api/types";
import { useApiRequest } from "../auth/useApiRequest";
import { dailyPath, periodQuery } from "./apiPaths";
import type { PeriodFilters } from "./filters";

/** Daily totals of the given creatives, or of all creatives when none are given. */
export function useDailyMetrics(
  filters: PeriodFilters,
  creativeIds: readonly string[],
) {
  const request = useApiRequest();
  const ids = [...creativeIds].sort();
  return useQuery({
    queryKey: [
      "creative-daily",
      filters.customer,
      filters.event,
      filters.start,
      filters.end,
      filters.attribution,
      ids,
    ],
    queryFn: ({ signal }) =>
      request<DailyResponse>(dailyPath(filters.customer), {
        query: {
          ...periodQuery(filters),
          event: filters.event,
          creative_id: ids,
        },
        signal,
      }),
    retry: false,
  });
}
