import { describe, expect, it } from "vitest";

import {
  formatConversions,
  formatCount,
  formatCurrency,
  formatMetric,
  formatPercent,
  formatRoas,
} from "./format";

describe("formatCurrency", () => {
  it("formats dollars in en-US", () => {
    expect(formatCurrency(1200, "USD", "en-US")).toBe("$1,200.00");
    expect(formatCurrency(9.8, "USD", "en-US")).toBe("$9.80");
  });

  it("follows the locale for euros", () => {
    expect(formatCurrency(22529.98, "EUR", "de-DE")).toBe("22.529,98\u00a0€");
    expect(formatCurrency(22529.98, "EUR", "en-IE")).toBe("€22,529.98");
  });

  it("uses the currency's own decimals", () => {
    expect(formatCurrency(1500, "JPY", "en-US")).toBe("¥1,500");
  });

  it("shows a dash for missing values", () => {
    expect(formatCurrency(null, "USD", "en-US")).toBe("–");
    expect(formatCurrency(Number.NaN, "USD", "en-US")).toBe("–");
  });
});

describe("formatRoas", () => {
  it("writes a multiple with two decimals", () => {
    expect(formatRoas(3.25, "en-US")).toBe("3.25x");
    expect(formatRoas(14.3031, "en-US")).toBe("14.30x");
    expect(formatRoas(0, "en-US")).toBe("0.00x");
  });

  it("uses the locale's decimal separator", () => {
    expect(formatRoas(3.25, "de-DE")).toBe("3,25x");
  });

  it("shows a dash when ROAS is undefined", () => {
    expect(formatRoas(null, "en-US")).toBe("–");
  });
});

describe("formatPercent", () => {
  it("reads fractions as percentages", () => {
    expect(formatPercent(0.0333, "en-US")).toBe("3.33%");
    expect(formatPercent(0.0024, "en-US")).toBe("0.24%");
    expect(formatPercent(1, "en-US")).toBe("100.00%");
  });
});

describe("formatCount", () => {
  it("groups thousands without decimals", () => {
    expect(formatCount(5648965, "en-US")).toBe("5,648,965");
    expect(formatCount(0, "en-US")).toBe("0");
  });
});

describe("formatMetric", () => {
  it("picks the formatter by unit", () => {
    expect(formatMetric(870.4, "currency", "USD", "en-US")).toBe("$870.40");
    expect(formatMetric(120, "count", "USD", "en-US")).toBe("120");
    expect(formatMetric(3.25, "ratio", "USD", "en-US")).toBe("3.25x");
    expect(formatMetric(0.04, "percent", "USD", "en-US")).toBe("4.00%");
  });

  it("formats unknown units as plain numbers", () => {
    expect(formatMetric(1234.567, "other", "USD", "en-US")).toBe("1,234.57");
  });
});

describe("formatConversions", () => {
  it("names one and many", () => {
    expect(formatConversions(1, "en-US")).toBe("1 conversion");
    expect(formatConversions(0, "en-US")).toBe("0 conversions");
    expect(formatConversions(1250, "en-US")).toBe("1,250 conversions");
  });
});
