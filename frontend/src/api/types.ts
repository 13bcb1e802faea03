import type { components, paths } from "./schema";

// Types are taken from the response of each route rather than from schema
// names, so renaming a Pydantic model on the server does not break them.
type JsonResponse<
  Path extends keyof paths,
  Method extends keyof paths[Path],
> = paths[Path][Method] extends {
  responses: { 200: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;

export type LoginResponse = JsonResponse<"/api/account/login", "post">;
export type User = LoginResponse["user"];
export type Customer = JsonResponse<"/api/customers", "get">[number];

export type FilterOptions = JsonResponse<
  "/api/customer/{customer}/creatives/filter-options",
  "get"
>;
export type DateRange = NonNullable<FilterOptions["date_range"]>;

/** Filter options of a customer that has data, so every default is set. */
export type ReadyFilterOptions = FilterOptions & {
  date_range: DateRange;
  default_date_range: DateRange;
  default_event: string;
};

/** True when the customer has events, so the dashboard has defaults to show. */
export function hasData(options: FilterOptions): options is ReadyFilterOptions {
  return (
    options.date_range !== null &&
    options.default_date_range !== null &&
    options.default_event !== null &&
    options.events.length > 0
  );
}

export type MetricsResponse = JsonResponse<
  "/api/customer/{customer}/creatives/{event}/metrics",
  "get"
>;
export type MetricColumn = MetricsResponse["columns"][number];
export type CreativeRow = MetricsResponse["rows"][number];
export type MetricTotals = MetricsResponse["totals"];
/** Conversions of the filtered event that no ad received, with the shop's actual figures. */
export type Unattributed = NonNullable<MetricsResponse["unattributed"]>;

export type ConversionsResponse = JsonResponse<
  "/api/customer/{customer}/creatives/{creative_id}/conversions",
  "get"
>;
export type Conversion = ConversionsResponse["conversions"][number];

export type DailyResponse = JsonResponse<
  "/api/customer/{customer}/creatives/daily",
  "get"
>;
export type DailyPoint = DailyResponse["days"][number];

export type ImportSummary = JsonResponse<
  "/api/customer/{customer}/imports",
  "post"
>;
export type ImportProblem = components["schemas"]["ImportProblem"];
export type ImportForm = components["schemas"]["Body_importAdFile"];

/** The error body every API route returns, whatever the status code. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    fields?: { field: string; message: string }[];
  };
}
