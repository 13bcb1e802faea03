import type { CreativeRow } from "../../api/types";

export interface CsvContext {
  customerName: string;
  customerId: string;
  event: string;
  start: string;
  end: string;
  attribution: string;
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
 * Builds a CSV of the creatives with a heading block that names the view, so
 * a file read weeks later still says what it contains. Numbers are written
 * unformatted (a dot as decimal separator, no currency sign), so
 * spreadsheets read them as numbers.
 */
export function buildCreativesCsv(
  context: CsvContext,
  columns: CsvColumn[],
  rows: readonly CreativeRow[],
): string {
  const heading = [
    ["Customer", `${context.customerName} (${context.customerId})`],
    ["Event", context.event],
    ["Start date", context.start],
    ["End date", context.end],
    ["Attribution window", context.attribution],
    ["Currency", context.currency],
  ];
  const header = ["Creative ID", ...columns.map((column) => column.headerName)];
  const body = rows.map((row) => {
    const values = row as unknown as Record<string, unknown>;
    return [row.id, ...columns.map((column) => values[column.field])];
  });

  const lines = [...heading, [], header, ...body].map((values) =>
    values.map(cell).join(","),
  );
  return `${lines.join("\r\n")}\r\n`;
}

/** Builds a file name that repeats the view, e.g. `creatives_23_order_completed_...csv`. */
export function csvFileName(context: CsvContext): string {
  const parts = [
    "creatives",
    context.customerId,
    context.event,
    context.start,
    context.end,
    context.attribution,
  ];
  return `${parts.join("_").replace(/[^\w.-]+/g, "-")}.csv`;
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
