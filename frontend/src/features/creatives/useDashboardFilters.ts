import { useCallback, useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";

import type { Customer } from "../../api/types";
import {
  defaultFilters,
  parseFilterParams,
  resolveFilters,
  serializeFilters,
  type DashboardFilters,
} from "./filters";
import { useFilterOptions } from "./useFilterOptions";

/**
 * Keeps the dashboard filters in the URL query string. Once the customer's
 * filter options arrive, missing or invalid values are replaced by defaults
 * and written back, so the address bar always holds a complete, shareable view.
 */
export function useDashboardFilters(customers: Customer[]) {
  const [searchParams, setSearchParams] = useSearchParams();
  const raw = useMemo(() => parseFilterParams(searchParams), [searchParams]);
  const customer =
    customers.find((item) => item.id === raw.customer) ?? customers[0];
  const options = useFilterOptions(customer?.id);
  const [adjustments, setAdjustments] = useState<string[]>([]);

  const resolved = useMemo(() => {
    if (customer === undefined || options.data === undefined) return null;
    return resolveFilters(raw, customer.id, options.data);
  }, [raw, customer, options.data]);

  useEffect(() => {
    if (resolved === null) return;
    const complete = serializeFilters(resolved.filters);
    if (complete.toString() === searchParams.toString()) return;
    if (resolved.adjustments.length > 0) setAdjustments(resolved.adjustments);
    setSearchParams(complete, { replace: true });
  }, [resolved, searchParams, setSearchParams]);

  const filters = resolved?.filters ?? null;

  const update = useCallback(
    (
      patch: Partial<DashboardFilters>,
      history: "push" | "replace" = "push",
    ) => {
      if (filters === null) return;
      setAdjustments([]);
      setSearchParams(serializeFilters({ ...filters, ...patch }), {
        replace: history === "replace",
      });
    },
    [filters, setSearchParams],
  );

  const restore = useCallback(() => {
    if (customer === undefined || options.data === undefined) return;
    setAdjustments([]);
    setSearchParams(
      serializeFilters(defaultFilters(customer.id, options.data)),
    );
  }, [customer, options.data, setSearchParams]);

  // Events and dates differ between customers, so only the customer is kept
  // and the new customer's defaults fill in the rest.
  const switchCustomer = useCallback(
    (customerId: string) => {
      setAdjustments([]);
      setSearchParams(new URLSearchParams({ customer: customerId }));
    },
    [setSearchParams],
  );

  return {
    customer,
    options,
    filters,
    adjustments,
    dismissAdjustments: () => setAdjustments([]),
    update,
    restore,
    switchCustomer,
  };
}
