import { useQuery } from "@tanstack/react-query";

import type { ConversionsResponse } from "../../api/types";
import { useApiRequest } from "../auth/useApiRequest";
import { conversionsPath, periodQuery } from "../creatives/apiPaths";
import type { PeriodFilters } from "../creatives/filters";
import { MAX_LISTED_CONVERSIONS } from "./conversionRows";

/**
 * Loads the first MAX_LISTED_CONVERSIONS conversions credited to one creative
 * for the dashboard's filters, with the count and value of all of them.
 */
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
          query: {
            ...periodQuery(filters),
            event: filters.event,
            page_size: MAX_LISTED_CONVERSIONS,
          },
          signal,
        },
      ),
    retry: false,
  });
}
