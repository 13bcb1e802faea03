import type {
  Conversion,
  ConversionsResponse,
  CreativeRow,
  MetricsResponse,
  ReadyFilterOptions,
} from "../api/types";

export const filterOptions: ReadyFilterOptions = {
  events: ["add_to_cart", "order_completed"],
  date_range: { start_date: "2024-01-01", end_date: "2024-06-30" },
  default_event: "order_completed",
  default_date_range: { start_date: "2024-06-01", end_date: "2024-06-30" },
  currency: "USD",
  time_zone: "America/New_York",
  attribution_windows: ["1d", "7d", "30d", "session"],
  default_attribution: "7d",
};

export function creativeRow(
  id: string,
  spend: number,
  overrides: Partial<CreativeRow> = {},
) {
  const row: CreativeRow = {
    id,
    ad_copy: `Copy of ${id}`,
    ad_copies: [`Copy of ${id}`],
    ad_ids: [`ad-${id}`],
    spend,
    clicks: 10,
    impressions: 1000,
    sessions: 20,
    conversions: 2,
    revenue: spend * 2,
    roas: spend > 0 ? 2 : null,
    platform_roas: null,
    ctr: 0.01,
    cpc: spend / 10,
    cpm: spend,
    cpa: spend / 2,
    conversion_rate: 0.1,
  };
  return { ...row, ...overrides };
}

export function metricsResponse(
  rows: CreativeRow[],
  overrides: Partial<MetricsResponse> = {},
): MetricsResponse {
  return {
    columns: [],
    rows,
    totals: {
      spend: 0,
      clicks: 0,
      impressions: 0,
      sessions: 0,
      conversions: 0,
      revenue: null,
      roas: null,
      platform_roas: null,
      ctr: null,
      cpc: null,
      cpm: null,
      cpa: null,
      conversion_rate: null,
    },
    currency: "USD",
    row_count: rows.length,
    page: 1,
    page_size: 1000,
    attribution: "7d",
    attribution_label: "7-day attribution window",
    event: "order_completed",
    start_date: "2024-06-01",
    end_date: "2024-06-30",
    ...overrides,
  };
}

/** Builds a conversion credited to `ad-c1`, clicked one hour before it converted. */
export function conversion(
  eventId: string,
  value: number | null,
  overrides: Partial<Conversion> = {},
): Conversion {
  return {
    event_id: eventId,
    order_id: `order-${eventId}`,
    value,
    converted_at: "2024-06-10T17:30:00Z",
    local_day: "2024-06-10",
    clicked_at: "2024-06-10T16:30:00Z",
    window_days: 1,
    ad_id: "ad-c1",
    same_session: false,
    ...overrides,
  };
}

/** Builds a conversions response whose count and value are the sums of its list, as the API's are. */
export function conversionsResponse(
  conversions: Conversion[],
  overrides: Partial<ConversionsResponse> = {},
): ConversionsResponse {
  const value = conversions.reduce((sum, item) => sum + (item.value ?? 0), 0);
  return {
    creative_id: "c1",
    event: "order_completed",
    attribution: "7d",
    currency: "USD",
    count: conversions.length,
    value,
    conversions,
    ...overrides,
  };
}

/** A JSON Response as `fetch` would return it. */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
