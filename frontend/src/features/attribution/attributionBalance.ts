import type { MetricTotals, Unattributed } from "../../api/types";

// Amounts closer than half a cent count as equal, because the API sends
// decimals as floats and a sum and a difference can differ in the last bit.
const MONEY_TOLERANCE = 0.005;

export interface Figures {
  revenue: number;
  conversions: number;
}

/** Attributed plus unattributed equals what the shop actually sold. */
export interface AttributionBalance {
  attributed: Figures;
  unattributed: Figures;
  actual: Figures;
  /** Unattributed revenue as a fraction of actual revenue, or null when nothing was sold. */
  unattributedShare: number | null;
  /** Revenue of the table's totals, or null when the API sent no value. */
  tableRevenue: number | null;
  /** False when the table's totals differ from the attributed figures. */
  tableMatches: boolean;
}

export function sameMoney(a: number, b: number): boolean {
  return Math.abs(a - b) < MONEY_TOLERANCE;
}

/**
 * Splits the shop's actual figures into attributed and unattributed. The
 * attributed part is derived from the API's unattributed figures, because
 * those cover every ad whatever the search, and then compared with the table.
 */
export function attributionBalance(
  unattributed: Unattributed,
  totals: Pick<MetricTotals, "revenue" | "conversions">,
): AttributionBalance {
  const actual = {
    revenue: unattributed.actual_revenue,
    conversions: unattributed.actual_conversions,
  };
  const attributed = {
    revenue: actual.revenue - unattributed.revenue,
    conversions: actual.conversions - unattributed.conversions,
  };

  // A null revenue means the table has no value to compare, not zero.
  const tableRevenue: number | null = totals.revenue ?? null;
  const tableMatches =
    totals.conversions === attributed.conversions &&
    (tableRevenue === null || sameMoney(tableRevenue, attributed.revenue));

  return {
    attributed,
    unattributed: {
      revenue: unattributed.revenue,
      conversions: unattributed.conversions,
    },
    actual,
    unattributedShare:
      actual.revenue > 0 ? unattributed.revenue / actual.revenue : null,
    tableRevenue,
    tableMatches,
  };
}
