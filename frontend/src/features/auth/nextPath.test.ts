import { describe, expect, it } from "vitest";

import { loginPath, safeNextPath } from "./nextPath";

describe("safeNextPath", () => {
  it("keeps paths inside the app", () => {
    expect(safeNextPath("/?customer=23&event=order_completed")).toBe(
      "/?customer=23&event=order_completed",
    );
  });

  it("rejects other hosts and loops", () => {
    expect(safeNextPath("//evil.example/")).toBe("/");
    expect(safeNextPath("https://evil.example/")).toBe("/");
    expect(safeNextPath("/login?next=/")).toBe("/");
    expect(safeNextPath(null)).toBe("/");
  });
});

describe("loginPath", () => {
  it("returns to the view after an expired session", () => {
    expect(loginPath("/?customer=23", "expired")).toBe(
      "/login?next=%2F%3Fcustomer%3D23&reason=expired",
    );
  });

  it("keeps a shared link for a first visit", () => {
    expect(loginPath("/?customer=23", null)).toBe(
      "/login?next=%2F%3Fcustomer%3D23",
    );
  });

  it("forgets the view after signing out", () => {
    expect(loginPath("/?customer=23", "signed_out")).toBe(
      "/login?reason=signed_out",
    );
  });
});
