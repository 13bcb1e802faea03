import type { ReadyFilterOptions } from "../../api/types";
import { clampIsoDate, isIsoDate } from "../../lib/dates";

/** Everything that decides what the dashboard shows; it lives in the URL. */
export interface DashboardFilters {
  customer: string;
  event: string;
  /** First day, `YYYY-MM-DD`, inclusive. */
  start: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  end: string;
  attribution: string;
  /** Case-insensitive substring of the ad copy; empty for all creatives. */
  search: string;
  /** Grid sort as the API writes it: a field, `-` in front for descending. */
  sort: string;
}

export type RawFilters = Partial<DashboardFilters>;

/** The filters that choose the data; search and sort only change the grid. */
export type PeriodFilters = Pick<
  DashboardFilters,
  "customer" | "event" | "start" | "end" | "attribution"
>;

export const DEFAULT_SORT = "-spend";

const SORT_PATTERN = /^-?[a-z_]+$/;

const ATTRIBUTION_LABELS: Record<string, string> = {
  "1d": "1 day",
  "7d": "7 days",
  "30d": "30 days",
  session: "Same session",
};

/** Names an attribution window for people, e.g. `7d` is `7 days`. */
export function attributionLabel(window: string): string {
  return ATTRIBUTION_LABELS[window] ?? window;
}

/** Reads the filters of a URL query string, dropping malformed values. */
export function parseFilterParams(params: URLSearchParams): RawFilters {
  const raw: RawFilters = {};
  const text = (key: keyof DashboardFilters) => params.get(key)?.trim() ?? "";

  if (text("customer") !== "") raw.customer = text("customer");
  if (text("event") !== "") raw.event = text("event");
  if (isIsoDate(text("start"))) raw.start = text("start");
  if (isIsoDate(text("end"))) raw.end = text("end");
  if (text("attribution") !== "") raw.attribution = text("attribution");
  if (text("search") !== "") raw.search = text("search");
  if (SORT_PATTERN.test(text("sort"))) raw.sort = text("sort");
  return raw;
}

/** Writes filters into a query string with a fixed key order, so links are stable. */
export function serializeFilters(filters: DashboardFilters): URLSearchParams {
  const params = new URLSearchParams();
  params.set("customer", filters.customer);
  params.set("event", filters.event);
  params.set("start", filters.start);
  params.set("end", filters.end);
  params.set("attribution", filters.attribution);
  if (filters.search !== "") params.set("search", filters.search);
  params.set("sort", filters.sort);
  return params;
}

/** The filters "Restore filters" returns to: the API's defaults for the customer. */
export function defaultFilters(
  customer: string,
  options: ReadyFilterOptions,
): DashboardFilters {
  return {
    customer,
    event: options.default_event,
    start: options.default_date_range.start_date,
    end: options.default_date_range.end_date,
    attribution: options.default_attribution,
    search: "",
    sort: DEFAULT_SORT,
  };
}

export interface ResolvedFilters {
  filters: DashboardFilters;
  /** Sentences naming each URL value that was replaced, for a notice. */
  adjustments: string[];
}

/**
 * Completes URL filters with the customer's defaults and replaces values the
 * API would reject: an unknown event or window, or dates outside the data.
 */
export function resolveFilters(
  raw: RawFilters,
  customer: string,
  options: ReadyFilterOptions,
): ResolvedFilters {
  const defaults = defaultFilters(customer, options);
  const adjustments: string[] = [];
  const { start_date: min, end_date: max } = options.date_range;

  let event = raw.event ?? defaults.event;
  if (!options.events.includes(event)) {
    adjustments.push(`Event "${event}" has no data for this customer.`);
    event = defaults.event;
  }

  let attribution = raw.attribution ?? defaults.attribution;
  const windows: readonly string[] = options.attribution_windows;
  if (!windows.includes(attribution)) {
    adjustments.push(`Attribution window "${attribution}" is not available.`);
    attribution = defaults.attribution;
  }

  let start = clampIsoDate(raw.start ?? defaults.start, min, max);
  let end = clampIsoDate(raw.end ?? defaults.end, min, max);
  if (start !== (raw.start ?? start) || end !== (raw.end ?? end)) {
    adjustments.push(
      `Dates were moved into the range with data, ${min} to ${max}.`,
    );
  }
  if (start > end) {
    adjustments.push("The start date was after the end date.");
    start = defaults.start;
    end = defaults.end;
  }

  const filters: DashboardFilters = {
    customer,
    event,
    start,
    end,
    attribution,
    search: raw.search ?? "",
    sort: raw.sort ?? DEFAULT_SORT,
  };
  return { filters, adjustments };
}

export interface SortSpec {
  field: string;
  direction: "asc" | "desc";
}

export function parseSort(sort: string): SortSpec | null {
  if (!SORT_PATTERN.test(sort)) return null;
  return sort.startsWith("-")
    ? { field: sort.slice(1), direction: "desc" }
    : { field: sort, direction: "asc" };
}

/** Writes a sort for the URL; no sort at all falls back to the default. */
export function serializeSort(spec: SortSpec | null): string {
  if (spec === null) return DEFAULT_SORT;
  return spec.direction === "desc" ? `-${spec.field}` : spec.field;
}
