import type { QueryValue } from "../../api/client";
import type { PeriodFilters } from "./filters";

const customerBase = (customer: string) =>
  `/api/customer/${encodeURIComponent(customer)}/creatives`;

export const filterOptionsPath = (customer: string) =>
  `${customerBase(customer)}/filter-options`;

export const metricsPath = (customer: string, event: string) =>
  `${customerBase(customer)}/${encodeURIComponent(event)}/metrics`;

export const dailyPath = (customer: string) =>
  `${customerBase(customer)}/daily`;

export const conversionsPath = (customer: string, creativeId: string) =>
  `${customerBase(customer)}/${encodeURIComponent(creativeId)}/conversions`;

/** Query parameters every metrics route shares; dates stay `YYYY-MM-DD`. */
export function periodQuery(
  filters: PeriodFilters,
): Record<string, QueryValue> {
  return {
    start_date: filters.start,
    end_date: filters.end,
    attribution: filters.attribution,
  };
}
