import type { CreativeRow, MetricTotals } from "../../api/types";

export interface CsvContext {
  customerName: string;
  customerId: string;
  event: string;
  start: string;
  end: string;
  /** The window as people read it, e.g. `7 days (7d)`. */
  attribution: string;
  /** The short form for the file name, e.g. `7d`. */
  attributionCode: string;
  /** The quick search on ad copy, which limits the rows to those that match. */
  search: string;
  currency: string;
}

export interface CsvColumn {
  field: string;
  headerName: string;
}

// Spreadsheet programs run a cell that starts with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

function textCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number")
    return Number.isFinite(value) ? String(value) : "";
  return textCell(String(value));
}

/**
 * Builds a CSV of the creatives whose first lines name the customer, event,
 * dates, attribution window and any quick search, because a file opened
 * weeks later has no other record of them. A last `Total` line carries the
 * API's totals under their columns (ROAS of the summed spend and revenue, as
 * the totals bar shows). Numbers are written unformatted (a dot as decimal
 * separator, no currency sign), so spreadsheets read them as numbers.
 */
export function buildCreativesCsv(
  context: CsvContext,
  columns: CsvColumn[],
  rows: readonly CreativeRow[],
  totals: MetricTotals | null = null,
): string {
  const search = context.search.trim();
  const heading = [
    ["Customer", `${context.customerName} (${context.customerId})`],
    ["Event", context.event],
    ["Start date", context.start],
    ["End date", context.end],
    ["Attribution window", context.attribution],
    ...(search === "" ? [] : [["Search", search]]),
    ["Currency", context.currency],
  ];
  const header = ["Creative ID", ...columns.map((column) => column.headerName)];
  const body = rows.map((row) => {
    const values = row as unknown as Record<string, unknown>;
    return [row.id, ...columns.map((column) => values[column.field])];
  });
  const footer = totals === null ? [] : [totalsLine(columns, totals)];

  const lines = [...heading, [], header, ...body, ...footer].map((values) =>
    values.map(cell).join(","),
  );
  return `${lines.join("\r\n")}\r\n`;
}

/** Puts each total under the column of the same field; other cells stay empty. */
function totalsLine(columns: CsvColumn[], totals: MetricTotals): unknown[] {
  const values = totals as unknown as Record<string, unknown>;
  return [
    "Total",
    ...columns.map((column) =>
      Object.hasOwn(values, column.field) ? values[column.field] : null,
    ),
  ];
}

/**
 * Builds a file name that repeats the view, e.g.
 * `creatives_23_order_completed_2024-06-01_2024-06-30_7d.csv`. Each part keeps
 * letters, digits, `_`, `.` and `-`. Any other run becomes one `-`, a run of
 * separators shrinks to its first, and a part left empty is dropped, so no
 * separator is doubled or trailing.
 */
export function csvFileName(context: CsvContext): string {
  const parts = [
    "creatives",
    context.customerId,
    context.event,
    context.start,
    context.end,
    context.attributionCode,
  ]
    .map((part) =>
      part
        .replace(/[^\w.-]+/g, "-")
        .replace(/[-_.]{2,}/g, (run) => run.charAt(0))
        .replace(/^[-_.]+|[-_.]+$/g, ""),
    )
    .filter((part) => part !== "");
  return `${parts.join("_")}.csv`;
}

/** Saves text as a download; the byte-order mark lets Excel read UTF-8 emoji. */
export function downloadCsv(text: string, fileName: string): void {
  const blob = new Blob(["\uFEFF", text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
