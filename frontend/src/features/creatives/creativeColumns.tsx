import type {
  GridColDef,
  GridComparatorFn,
  GridSortDirection,
} from "@mui/x-data-grid";

import type { CreativeRow, MetricColumn } from "../../api/types";
import { formatMetric } from "../../lib/format";
import { AdCopyCell } from "./AdCopyCell";

export const AD_COPY_FIELD = "ad_copy";

/** Columns the API sends that the grid hides until the user shows them. */
export const HIDDEN_BY_DEFAULT = { conversion_rate: false };

/** Used when the API sends no column list; matches the API's metric fields. */
export const FALLBACK_COLUMNS: MetricColumn[] = [
  { field: "ad_copy", headerName: "Ad copy", type: "string", unit: "text" },
  { field: "spend", headerName: "Spend", type: "number", unit: "currency" },
  { field: "clicks", headerName: "Clicks", type: "number", unit: "count" },
  {
    field: "impressions",
    headerName: "Impressions",
    type: "number",
    unit: "count",
  },
  { field: "sessions", headerName: "Sessions", type: "number", unit: "count" },
  {
    field: "conversions",
    headerName: "Conversions",
    type: "number",
    unit: "count",
  },
  { field: "revenue", headerName: "Revenue", type: "number", unit: "currency" },
  { field: "roas", headerName: "ROAS", type: "number", unit: "ratio" },
  { field: "ctr", headerName: "CTR", type: "number", unit: "percent" },
  { field: "cpc", headerName: "CPC", type: "number", unit: "currency" },
  { field: "cpm", headerName: "CPM", type: "number", unit: "currency" },
  { field: "cpa", headerName: "CPA", type: "number", unit: "currency" },
];

const adCopyColumn: GridColDef<CreativeRow> = {
  field: AD_COPY_FIELD,
  headerName: "Ad copy",
  flex: 3,
  minWidth: 220,
  renderCell: (params) => (
    <AdCopyCell row={params.row} tabIndex={params.tabIndex} />
  ),
};

// Minimum widths that fit a five-figure amount with its currency sign. The
// header also needs room for its sort icon, hence the width per character.
const MIN_WIDTH_BY_UNIT: Record<string, number> = {
  currency: 116,
  count: 90,
  ratio: 74,
  percent: 80,
};
const HEADER_CHARACTER_WIDTH = 7.5;
const HEADER_PADDING = 44;

function isMissing(value: unknown): boolean {
  return typeof value !== "number" || !Number.isFinite(value);
}

/**
 * Returns a comparator for `direction` that puts missing values (null, such
 * as a revenue no row reported) after every number in both directions. The
 * grid's own number comparator sorts them first when ascending.
 */
export function missingLastComparator(
  direction: GridSortDirection,
): GridComparatorFn<number | null> {
  const sign = direction === "desc" ? -1 : 1;
  return (left, right) => {
    if (isMissing(left) || isMissing(right))
      return Number(isMissing(left)) - Number(isMissing(right));
    return sign * (Number(left) - Number(right));
  };
}

function metricColumn(
  column: MetricColumn,
  currency: string,
  locale: string | undefined,
): GridColDef<CreativeRow> {
  return {
    field: column.field,
    headerName: column.headerName,
    description: column.description ?? undefined,
    type: "number",
    flex: 1,
    minWidth: Math.max(
      MIN_WIDTH_BY_UNIT[column.unit] ?? 100,
      Math.ceil(column.headerName.length * HEADER_CHARACTER_WIDTH) +
        HEADER_PADDING,
    ),
    valueFormatter: (value: number | null) =>
      formatMetric(value, column.unit, column.currency ?? currency, locale),
    getSortComparator: missingLastComparator,
  };
}

/**
 * Builds grid columns from the API's column list, so a new metric on the
 * server shows up without a front-end change. Values stay numbers, so the
 * grid sorts them numerically; only the displayed text is formatted.
 */
export function buildColumns(
  apiColumns: MetricColumn[],
  currency: string,
  locale?: string,
): GridColDef<CreativeRow>[] {
  const source = apiColumns.length > 0 ? apiColumns : FALLBACK_COLUMNS;
  const metrics = source
    .filter((column) => column.field !== AD_COPY_FIELD && column.field !== "id")
    .map((column) => metricColumn(column, currency, locale));
  return [adCopyColumn, ...metrics];
}
