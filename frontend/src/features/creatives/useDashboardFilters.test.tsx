import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Customer } from "../../api/types";
import { filterOptions, jsonResponse } from "../../test/fixtures";
import {
  currentLocation,
  Providers,
  storeSession,
  stubApi,
} from "../../test/providers";
import { useDashboardFilters } from "./useDashboardFilters";

const customers: Customer[] = [
  {
    id: "23",
    name: "Pizzeria Napoli",
    currency: "USD",
    time_zone: "America/New_York",
  },
  {
    id: "42",
    name: "Bali Travel",
    currency: "EUR",
    time_zone: "Europe/Berlin",
  },
];

function renderFilters(url: string) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <Providers url={url}>{children}</Providers>
  );
  return renderHook(() => useDashboardFilters(customers), { wrapper });
}

beforeEach(() => {
  storeSession();
  stubApi((url) =>
    url.pathname.endsWith("/filter-options")
      ? jsonResponse(filterOptions)
      : undefined,
  );
});

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe("useDashboardFilters", () => {
  it("writes the defaults into an empty URL", async () => {
    const { result } = renderFilters("/");
    await waitFor(() => expect(result.current.filters).not.toBeNull());
    expect(result.current.filters).toMatchObject({
      customer: "23",
      event: "order_completed",
      start: "2024-06-01",
      end: "2024-06-30",
      attribution: "7d",
      sort: "-spend",
    });
    await waitFor(() =>
      expect(currentLocation()).toBe(
        "/?customer=23&event=order_completed&start=2024-06-01&end=2024-06-30&attribution=7d&sort=-spend",
      ),
    );
  });

  it("opens the view a shared link names", async () => {
    const url =
      "/?customer=42&event=add_to_cart&start=2024-02-01&end=2024-02-29&attribution=session&search=bali&sort=roas";
    const { result } = renderFilters(url);
    await waitFor(() => expect(result.current.filters).not.toBeNull());
    expect(result.current.filters).toEqual({
      customer: "42",
      event: "add_to_cart",
      start: "2024-02-01",
      end: "2024-02-29",
      attribution: "session",
      search: "bali",
      sort: "roas",
    });
    expect(result.current.adjustments).toEqual([]);
    expect(currentLocation()).toBe(url);
  });

  it("updates and restores the filters", async () => {
    const { result } = renderFilters("/?customer=23");
    await waitFor(() => expect(result.current.filters).not.toBeNull());

    act(() =>
      result.current.update({ event: "add_to_cart", attribution: "1d" }),
    );
    await waitFor(() =>
      expect(result.current.filters?.event).toBe("add_to_cart"),
    );
    expect(currentLocation()).toContain("event=add_to_cart");
    expect(currentLocation()).toContain("attribution=1d");

    act(() => result.current.restore());
    await waitFor(() =>
      expect(result.current.filters?.event).toBe("order_completed"),
    );
    expect(result.current.filters?.attribution).toBe("7d");
  });

  it("notes values it had to replace", async () => {
    const { result } = renderFilters(
      "/?customer=23&event=signup&start=2020-01-01",
    );
    await waitFor(() => expect(result.current.adjustments).toHaveLength(2));
    expect(result.current.filters?.event).toBe("order_completed");
    expect(result.current.filters?.start).toBe("2024-01-01");
  });

  it("opens the first customer for an unknown id", async () => {
    const { result } = renderFilters("/?customer=999");
    await waitFor(() => expect(result.current.filters?.customer).toBe("23"));
  });

  it("resets the filters when switching customer", async () => {
    const { result } = renderFilters("/?customer=23&event=add_to_cart");
    await waitFor(() =>
      expect(result.current.filters?.event).toBe("add_to_cart"),
    );
    act(() => result.current.switchCustomer("42"));
    await waitFor(() => expect(result.current.filters?.customer).toBe("42"));
    expect(result.current.filters?.event).toBe("order_completed");
  });
});
