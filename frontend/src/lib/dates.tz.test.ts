import { describe, expect, it } from "vitest";

import {
  clampIsoDate,
  formatDateTime,
  formatDisplayDate,
  formatShortDate,
  isIsoDate,
  parseIsoDate,
  toIsoDate,
} from "./dates";

const expectedZone = process.env.EXPECTED_TZ;

describe(`dates in ${expectedZone ?? "the default zone"}`, () => {
  it("runs in the configured time zone", () => {
    expect(expectedZone).toBeDefined();
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(expectedZone);
  });

  it("shows 2024-03-01 as 1 March", () => {
    expect(formatDisplayDate("2024-03-01", "en-GB")).toBe("1 March 2024");
    expect(formatDisplayDate("2024-03-01", "en-US")).toBe("March 1, 2024");
    expect(formatShortDate("2024-03-01", "en-GB")).toBe("1 Mar");
  });

  it("shows times on the customer's clock", () => {
    // 17:30 UTC on 10 March 2024 is 01:30 on 11 March in Singapore and 13:30
    // in New York, where daylight saving time began that morning.
    const instant = "2024-03-10T17:30:00Z";
    expect(formatDateTime(instant, "Asia/Singapore", "en-GB")).toBe(
      "11 Mar 2024, 01:30",
    );
    expect(formatDateTime(instant, "America/New_York", "en-GB")).toBe(
      "10 Mar 2024, 13:30",
    );
    expect(formatDateTime("not a time", "UTC", "en-GB")).toBe("not a time");
  });

  it("sends a picked day unchanged", () => {
    // A date picker hands over local midnight of the day the user clicked.
    const picked = new Date(2024, 6, 7);
    expect(toIsoDate(picked)).toBe("2024-07-07");
  });

  it("differs from toISOString east of UTC", () => {
    // Documents the bug toIsoDate avoids: Berlin midnight is the previous day in UTC.
    const picked = new Date(2024, 6, 7);
    const utcDay = picked.toISOString().slice(0, 10);
    const expected =
      expectedZone === "Europe/Berlin" ? "2024-07-06" : "2024-07-07";
    expect(utcDay).toBe(expected);
  });

  it("round-trips days around daylight saving changes", () => {
    for (const day of [
      "2024-03-10",
      "2024-03-31",
      "2024-10-27",
      "2024-11-03",
    ]) {
      const parsed = parseIsoDate(day);
      expect(parsed).not.toBeNull();
      expect(toIsoDate(parsed!)).toBe(day);
    }
  });

  it("parses to local midnight", () => {
    const parsed = parseIsoDate("2024-03-01")!;
    expect(parsed.getFullYear()).toBe(2024);
    expect(parsed.getMonth()).toBe(2);
    expect(parsed.getDate()).toBe(1);
    expect(parsed.getHours()).toBe(0);
  });

  it("rejects impossible and malformed dates", () => {
    expect(parseIsoDate("2024-02-30")).toBeNull();
    expect(parseIsoDate("2024-13-01")).toBeNull();
    expect(parseIsoDate("1 March 2024")).toBeNull();
    expect(parseIsoDate("2024-3-1")).toBeNull();
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
  });

  it("clamps into a range", () => {
    expect(clampIsoDate("2023-12-31", "2024-01-01", "2024-06-30")).toBe(
      "2024-01-01",
    );
    expect(clampIsoDate("2024-07-01", "2024-01-01", "2024-06-30")).toBe(
      "2024-06-30",
    );
    expect(clampIsoDate("2024-03-01", "2024-01-01", "2024-06-30")).toBe(
      "2024-03-01",
    );
  });
});
