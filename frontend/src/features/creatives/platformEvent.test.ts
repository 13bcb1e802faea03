import { describe, expect, it } from "vitest";

import {
  chartRevenueLabel,
  isPlatformEvent,
  revenueLabel,
} from "./platformEvent";

describe("platform event labels", () => {
  it("names platform revenue for platform_conversion", () => {
    expect(isPlatformEvent("platform_conversion")).toBe(true);
    expect(revenueLabel("platform_conversion")).toBe("Platform revenue");
    expect(chartRevenueLabel("platform_conversion")).toBe("Platform revenue");
  });

  it("keeps attributed revenue for pixel events", () => {
    expect(isPlatformEvent("order_completed")).toBe(false);
    expect(revenueLabel("order_completed")).toBe("Revenue");
    expect(chartRevenueLabel("order_completed")).toBe("Attributed revenue");
  });
});
