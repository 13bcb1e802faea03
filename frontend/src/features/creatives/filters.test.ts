import { describe, expect, it } from "vitest";

import { filterOptions } from "../../test/fixtures";
import {
  attributionLabel,
  defaultFilters,
  parseFilterParams,
  parseSort,
  resolveFilters,
  serializeFilters,
  serializeSort,
  type DashboardFilters,
} from "./filters";

const filters: DashboardFilters = {
  customer: "23",
  event: "add_to_cart",
  start: "2024-03-01",
  end: "2024-03-31",
  attribution: "1d",
  search: "pizza & pasta",
  sort: "-roas",
};

describe("serializeFilters", () => {
  it("writes every filter in a fixed order", () => {
    expect(serializeFilters(filters).toString()).toBe(
      "customer=23&event=add_to_cart&start=2024-03-01&end=2024-03-31" +
        "&attribution=1d&search=pizza+%26+pasta&sort=-roas",
    );
  });

  it("leaves out an empty search", () => {
    const params = serializeFilters({ ...filters, search: "" });
    expect(params.has("search")).toBe(false);
  });

  it("round-trips through parseFilterParams", () => {
    expect(parseFilterParams(serializeFilters(filters))).toEqual(filters);
  });
});

describe("parseFilterParams", () => {
  it("drops malformed dates and sorts", () => {
    const raw = parseFilterParams(
      new URLSearchParams(
        "start=2024-02-30&end=03/01/2024&sort=spend;drop&event=x",
      ),
    );
    expect(raw).toEqual({ event: "x" });
  });

  it("ignores blank values", () => {
    expect(
      parseFilterParams(new URLSearchParams("customer=&search=%20")),
    ).toEqual({});
  });
});

describe("resolveFilters", () => {
  it("fills missing values with the defaults", () => {
    const { filters: resolved, adjustments } = resolveFilters(
      {},
      "23",
      filterOptions,
    );
    expect(resolved).toEqual(defaultFilters("23", filterOptions));
    expect(resolved.sort).toBe("-spend");
    expect(adjustments).toEqual([]);
  });

  it("keeps valid values from the URL", () => {
    const { filters: resolved, adjustments } = resolveFilters(
      filters,
      "23",
      filterOptions,
    );
    expect(resolved).toEqual(filters);
    expect(adjustments).toEqual([]);
  });

  it("replaces an unknown event and window", () => {
    const { filters: resolved, adjustments } = resolveFilters(
      { event: "signup", attribution: "90d" },
      "23",
      filterOptions,
    );
    expect(resolved.event).toBe("order_completed");
    expect(resolved.attribution).toBe("7d");
    expect(adjustments).toHaveLength(2);
  });

  it("clamps dates into the data range", () => {
    const { filters: resolved, adjustments } = resolveFilters(
      { start: "2023-11-01", end: "2024-09-01" },
      "23",
      filterOptions,
    );
    expect(resolved.start).toBe("2024-01-01");
    expect(resolved.end).toBe("2024-06-30");
    expect(adjustments).toHaveLength(1);
  });

  it("falls back to default dates when start is after end", () => {
    const { filters: resolved } = resolveFilters(
      { start: "2024-05-01", end: "2024-04-01" },
      "23",
      filterOptions,
    );
    expect(resolved.start).toBe("2024-06-01");
    expect(resolved.end).toBe("2024-06-30");
  });
});

describe("sort", () => {
  it("parses a leading minus as descending", () => {
    expect(parseSort("-spend")).toEqual({ field: "spend", direction: "desc" });
    expect(parseSort("roas")).toEqual({ field: "roas", direction: "asc" });
    expect(parseSort("spend,roas")).toBeNull();
  });

  it("serializes back to the API form", () => {
    expect(serializeSort({ field: "cpa", direction: "desc" })).toBe("-cpa");
    expect(serializeSort({ field: "cpa", direction: "asc" })).toBe("cpa");
    expect(serializeSort(null)).toBe("-spend");
  });
});

describe("attributionLabel", () => {
  it("names the windows", () => {
    expect(attributionLabel("1d")).toBe("1 day");
    expect(attributionLabel("30d")).toBe("30 days");
    expect(attributionLabel("session")).toBe("Same session");
    expect(attributionLabel("90d")).toBe("90d");
  });
});
