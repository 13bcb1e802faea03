import type {
  Conversion,
  ConversionsResponse,
  CreativeRow,
} from "../../api/types";
import { sameMoney } from "./attributionBalance";

/** Maximum number of conversions the table renders. The total above it covers all of them. */
export const MAX_LISTED_CONVERSIONS = 500;

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
