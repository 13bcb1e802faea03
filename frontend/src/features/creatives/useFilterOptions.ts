import { useQuery } from "@tanstack/react-query";

import type { FilterOptions } from "../../api/types";
import { useApiRequest } from "../auth/useApiRequest";
import { filterOptionsPath } from "./apiPaths";

export function useFilterOptions(customer: string | undefined) {
  const request = useApiRequest();
  return useQuery({
    queryKey: ["filter-options", customer],
    queryFn: ({ signal }) =>
      request<FilterOptions>(filterOptionsPath(customer ?? ""), { signal }),
    enabled: customer !== undefined,
    staleTime: 5 * 60 * 1000,
  });
}
