import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { MemoryRouter, useLocation } from "react-router-dom";
import { vi } from "vitest";

import { AuthProvider } from "../features/auth/AuthProvider";
import { SESSION_STORAGE_KEY } from "../features/auth/tokenStorage";
import { jsonResponse } from "./fixtures";

/** Stores a session as a previous sign-in would have. */
export function storeSession(token = "test-token") {
  localStorage.setItem(
    SESSION_STORAGE_KEY,
    JSON.stringify({ accessToken: token, expiresAt: Date.now() + 3_600_000 }),
  );
}

export const testUser = {
  id: 1,
  email: "demo@creatives.local",
  display_name: "Demo Analyst",
  role: "analyst" as const,
  customers: [],
};

type Route = (url: URL, init: RequestInit) => Response | undefined;

/**
 * Replaces fetch with an in-memory API: each route returns a Response or
 * undefined to pass. Unmatched URLs answer 404 so a missing route is visible.
 */
export function stubApi(...routes: Route[]) {
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, "http://localhost");
    if (url.pathname === "/api/account/my-account")
      return jsonResponse({ user: testUser });
    for (const route of routes) {
      const response = route(url, init);
      if (response !== undefined) return response;
    }
    return jsonResponse(
      { error: { code: "not_found", message: `No route ${url.pathname}` } },
      404,
    );
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

let lastLocation = "";

function LocationProbe() {
  const location = useLocation();
  lastLocation = `${location.pathname}${location.search}`;
  return null;
}

/** The path and query string the router is at, as the address bar would show. */
export function currentLocation(): string {
  return lastLocation;
}

export function Providers({
  children,
  url = "/",
}: {
  children: ReactNode;
  url?: string;
}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false } },
  });
  return (
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[url]}>
        <AuthProvider>
          {children}
          <LocationProbe />
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>
  );
}
