import { describe, expect, it } from "vitest";

import { attributionBalance, sameMoney } from "./attributionBalance";

// The worked example of docs/attribution.md: the shop sold 200 in four sales,
// 180 of it in three sales attributed within 7 days, 20 unattributed.
const example = {
  conversions: 1,
  revenue: 20,
  actual_conversions: 4,
  actual_revenue: 200,
};

describe("attributionBalance", () => {
  it("derives attributed from actual minus unattributed", () => {
    const balance = attributionBalance(example, {
      revenue: 180,
      conversions: 3,
    });
    expect(balance.attributed).toEqual({ revenue: 180, conversions: 3 });
    expect(balance.unattributed).toEqual({ revenue: 20, conversions: 1 });
    expect(balance.actual).toEqual({ revenue: 200, conversions: 4 });
    expect(balance.unattributedShare).toBe(0.1);
    expect(balance.tableMatches).toBe(true);
  });

  it("matches despite float rounding", () => {
    const balance = attributionBalance(
      {
        conversions: 1,
        revenue: 0.1,
        actual_conversions: 2,
        actual_revenue: 0.3,
      },
      { revenue: 0.2, conversions: 1 },
    );
    expect(balance.tableMatches).toBe(true);
  });

  it("flags a table that differs", () => {
    const revenue = attributionBalance(example, {
      revenue: 150,
      conversions: 3,
    });
    expect(revenue.tableMatches).toBe(false);
    const count = attributionBalance(example, { revenue: 180, conversions: 2 });
    expect(count.tableMatches).toBe(false);
  });

  it("compares only counts when revenue is null", () => {
    const balance = attributionBalance(example, {
      revenue: null as unknown as number,
      conversions: 3,
    });
    expect(balance.tableRevenue).toBeNull();
    expect(balance.tableMatches).toBe(true);
  });

  it("has no share when nothing was sold", () => {
    const balance = attributionBalance(
      { conversions: 0, revenue: 0, actual_conversions: 0, actual_revenue: 0 },
      { revenue: 0, conversions: 0 },
    );
    expect(balance.unattributedShare).toBeNull();
  });

  it("treats half a cent as different", () => {
    expect(sameMoney(10, 10.004)).toBe(true);
    expect(sameMoney(10, 10.006)).toBe(false);
  });
});
