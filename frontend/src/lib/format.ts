// Formatters turn API numbers into display text at the last moment, so the
// grid, the charts and the CSV export all keep working with real numbers.
// `locale` defaults to the browser's locale.

const MISSING = "–";

const formatterCache = new Map<string, Intl.NumberFormat>();

function numberFormat(
  locale: string | undefined,
  options: Intl.NumberFormatOptions,
): Intl.NumberFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let formatter = formatterCache.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, options);
    formatterCache.set(key, formatter);
  }
  return formatter;
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Formats an amount of money in its ISO 4217 currency, e.g. `$1,200.00`. */
export function formatCurrency(
  value: number | null | undefined,
  currency: string,
  locale?: string,
): string {
  if (!isNumber(value)) return MISSING;
  return numberFormat(locale, { style: "currency", currency }).format(value);
}

/** Formats money for chart axes, e.g. `$12K` in en-US. */
export function formatCompactCurrency(
  value: number | null | undefined,
  currency: string,
  locale?: string,
): string {
  if (!isNumber(value)) return MISSING;
  return numberFormat(locale, {
    style: "currency",
    currency,
    notation: "compact",
    maximumFractionDigits: 1,
  }).format(value);
}

/** Formats a whole count with grouping, e.g. `5,648,965`. */
export function formatCount(
  value: number | null | undefined,
  locale?: string,
): string {
  if (!isNumber(value)) return MISSING;
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** Formats a count of conversions with its noun, e.g. `1 conversion` or `1,250 conversions`. */
export function formatConversions(count: number, locale?: string): string {
  const noun = count === 1 ? "conversion" : "conversions";
  return `${formatCount(count, locale)} ${noun}`;
}

/** Formats return on ad spend as a multiple with two decimals, e.g. `3.25x`. */
export function formatRoas(
  value: number | null | undefined,
  locale?: string,
): string {
  if (!isNumber(value)) return MISSING;
  const digits = numberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${digits.format(value)}x`;
}

/** Formats a fraction as a percentage with two decimals: 0.0333 is `3.33%`. */
export function formatPercent(
  value: number | null | undefined,
  locale?: string,
): string {
  if (!isNumber(value)) return MISSING;
  return numberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(value);
}

export type MetricUnit = "currency" | "count" | "ratio" | "percent";

/** Formats a metric by the unit the API gives for its column. */
export function formatMetric(
  value: number | null | undefined,
  unit: string | null | undefined,
  currency: string,
  locale?: string,
): string {
  switch (unit) {
    case "currency":
      return formatCurrency(value, currency, locale);
    case "ratio":
      return formatRoas(value, locale);
    case "percent":
      return formatPercent(value, locale);
    case "count":
      return formatCount(value, locale);
    default:
      if (!isNumber(value)) return MISSING;
      return numberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  }
}
