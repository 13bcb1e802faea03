import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { hasData, type Customer } from "../../api/types";
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
 * and written back, so the address bar always contains a complete, shareable view.
 */
export function useDashboardFilters(customers: Customer[]) {
  const [searchParams, setSearchParams] = useSearchParams();
  const raw = useMemo(() => parseFilterParams(searchParams), [searchParams]);
  const customer =
    customers.find((item) => item.id === raw.customer) ?? customers[0];
  const options = useFilterOptions(customer?.id);
  const [adjustments, setAdjustments] = useState<string[]>([]);

  // A customer without any events yet has no defaults and nothing to show.
  const ready =
    options.data !== undefined && hasData(options.data) ? options.data : null;
  const noData = options.data !== undefined && ready === null;

  const resolved = useMemo(() => {
    if (customer === undefined || ready === null) return null;
    return resolveFilters(raw, customer.id, ready);
  }, [raw, customer, ready]);

  useEffect(() => {
    if (resolved === null) return;
    const complete = serializeFilters(resolved.filters);
    if (complete.toString() === searchParams.toString()) return;
    if (resolved.adjustments.length > 0) setAdjustments(resolved.adjustments);
    setSearchParams(complete, { replace: true });
  }, [resolved, searchParams, setSearchParams]);

  const filters = resolved?.filters ?? null;

  // Two changes can arrive before the next render (say, a window click and
  // a debounced search), so each builds on the filters last written rather
  // than on the ones last rendered.
  const latest = useRef(filters);
  useEffect(() => {
    latest.current = filters;
  }, [filters]);

  // React Router makes a new setSearchParams for every URL, which would give
  // update() a new identity on each change and re-render memoized children.
  const setParams = useRef(setSearchParams);
  useEffect(() => {
    setParams.current = setSearchParams;
  }, [setSearchParams]);

  const write = useCallback(
    (next: DashboardFilters, history: "push" | "replace") => {
      const text = serializeFilters(next).toString();
      const unchanged =
        latest.current !== null &&
        serializeFilters(latest.current).toString() === text;
      if (unchanged) return;
      latest.current = next;
      setAdjustments([]);
      setParams.current(serializeFilters(next), {
        replace: history === "replace",
      });
    },
    [],
  );

  const update = useCallback(
    (
      patch: Partial<DashboardFilters>,
      history: "push" | "replace" = "push",
    ) => {
      if (latest.current === null) return;
      write({ ...latest.current, ...patch }, history);
    },
    [write],
  );

  const restore = useCallback(() => {
    if (customer === undefined || ready === null) return;
    write(defaultFilters(customer.id, ready), "push");
  }, [customer, ready, write]);

  // Events and dates differ between customers, so only the customer is kept
  // and the new customer's defaults fill in the rest.
  const switchCustomer = useCallback(
    (customerId: string) => {
      latest.current = null;
      setAdjustments([]);
      setSearchParams(new URLSearchParams({ customer: customerId }));
    },
    [setSearchParams],
  );

  return {
    customer,
    options,
    ready,
    noData,
    filters,
    adjustments,
    dismissAdjustments: () => setAdjustments([]),
    update,
    restore,
    switchCustomer,
  };
}
