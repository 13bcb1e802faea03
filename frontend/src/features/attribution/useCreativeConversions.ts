import { useQuery } from "@tanstack/react-query";

import type { ConversionsResponse } from "../../api/types";
import { useApiRequest } from "../auth/useApiRequest";
import { conversionsPath, periodQuery } from "../creatives/apiPaths";
import type { PeriodFilters } from "../creatives/filters";

/** Loads the conversions credited to one creative for the dashboard's filters. */
export function useCreativeConversions(
  filters: PeriodFilters,
  creativeId: string,
) {
  const request = useApiRequest();
  return useQuery({
    queryKey: [
      "creative-conversions",
      filters.customer,
      creativeId,
      filters.event,
      filters.start,
      filters.end,
      filters.attribution,
    ],
    queryFn: ({ signal }) =>
      request<ConversionsResponse>(
        conversionsPath(filters.customer, creativeId),
        {
          query: { ...periodQuery(filters), event: filters.event },
          signal,
        },
      ),
    retry: false,
  });
}
