import type {
  Conversion,
  ConversionsResponse,
  CreativeRow,
} from "../../api/types";
import { isPlatformEvent } from "../creatives/platformEvent";
import { sameMoney } from "./attributionBalance";

/**
 * Page size of the conversions request, so the maximum number of rows the table
 * renders. The API's count and value, shown above the table, cover all of them.
 */
export const MAX_LISTED_CONVERSIONS = 500;

// The attribution job counts page views per ad but does not store them one by one.
const UNLISTED_PIXEL_EVENTS = new Set(["page_view", "page_viewed"]);

/**
 * Says why `event` has no list of single conversions, or returns null when
 * the attribution job lists its conversions.
 */
export function noConversionListReason(event: string): string | null {
  if (isPlatformEvent(event))
    return "These figures are the totals that the ad platform reports with its own attribution. The platform sends no single conversions, so there is no list.";
  if (UNLISTED_PIXEL_EVENTS.has(event))
    return "Page views are counted per ad, but the attribution job stores no list of single page views.";
  return null;
}

/** Names the smallest window a conversion falls in, e.g. `7 days`. */
export function windowText(conversion: Conversion): string {
  const parts: string[] = [];
  if (conversion.window_days !== null) {
    parts.push(
      conversion.window_days === 1 ? "1 day" : `${conversion.window_days} days`,
    );
  }
  if (conversion.same_session) parts.push("same session");
  return parts.length > 0 ? parts.join(", ") : "–";
}

/**
 * True when the list's count and value equal the grid row's. A null row
 * revenue has no value to compare, so only the counts are compared then.
 */
export function matchesRow(
  response: Pick<ConversionsResponse, "count" | "value">,
  row: Pick<CreativeRow, "conversions" | "revenue">,
): boolean {
  const revenue: number | null = row.revenue ?? null;
  return (
    response.count === row.conversions &&
    (revenue === null || sameMoney(response.value, revenue))
  );
}
