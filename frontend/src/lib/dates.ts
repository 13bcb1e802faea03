// The API speaks in calendar dates (`YYYY-MM-DD`) that have no time zone.
// They are turned into local-midnight Date objects for the pickers and back
// into strings from the local year, month and day, never via toISOString(),
// which would shift the day for users east or west of UTC.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into a local-midnight Date, or null when invalid. */
export function parseIsoDate(text: string | null | undefined): Date | null {
  const match = ISO_DATE.exec(text ?? "");
  if (match === null) return null;

  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [
    number,
    number,
    number,
  ];
  const date = new Date(year, month - 1, day);

  // Rejects dates such as 2024-02-30 that Date would roll over into March.
  if (date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date;
}

/** Formats the local calendar day of a Date as `YYYY-MM-DD`. */
export function toIsoDate(date: Date): string {
  const year = String(date.getFullYear()).padStart(4, "0");
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${year}-${month}-${day}`;
}

/** True when `text` is a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(text: string | null | undefined): text is string {
  return parseIsoDate(text) !== null;
}

/** Formats `YYYY-MM-DD` for people, e.g. `1 March 2024` in en-GB. */
export function formatDisplayDate(
  text: string,
  locale?: string,
  options: Intl.DateTimeFormatOptions = {
    day: "numeric",
    month: "long",
    year: "numeric",
  },
): string {
  const date = parseIsoDate(text);
  if (date === null) return text;
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** Formats `YYYY-MM-DD` as a short axis label, e.g. `1 Mar` in en-GB. */
export function formatShortDate(text: string, locale?: string): string {
  return formatDisplayDate(text, locale, { day: "numeric", month: "short" });
}

/** Clamps an ISO date string into [min, max]; the strings compare as dates. */
export function clampIsoDate(text: string, min: string, max: string): string {
  if (text < min) return min;
  if (text > max) return max;
  return text;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Formats an ISO 8601 timestamp as a date and time in `timeZone`, an IANA
 * name such as `Asia/Singapore`, whatever zone the browser is in. The API's
 * days are the customer's days, so its times are shown on the same clock.
 */
export function formatDateTime(
  iso: string,
  timeZone: string,
  locale?: string,
): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;

  const key = `${locale ?? ""}|${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(instant);
}
