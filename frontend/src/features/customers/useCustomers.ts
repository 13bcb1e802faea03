import { useQuery } from "@tanstack/react-query";

import type { Customer } from "../../api/types";
import { useApiRequest } from "../auth/useApiRequest";
import { useAuth } from "../auth/useAuth";

/** Customers the signed-in user may open, in the order the API returns them. */
export function useCustomers() {
  const request = useApiRequest();
  const { token } = useAuth();
  return useQuery({
    queryKey: ["customers", token],
    queryFn: ({ signal }) => request<Customer[]>("/api/customers", { signal }),
    enabled: token !== null,
    staleTime: 5 * 60 * 1000,
  });
}
