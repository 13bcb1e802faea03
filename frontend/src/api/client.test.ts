import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse } from "../test/fixtures";
import { ApiError, apiRequest, buildQuery, onUnauthorized } from "./client";

afterEach(() => vi.unstubAllGlobals());

function stubFetch(response: Response | Error) {
  const fetchMock = vi.fn(async () => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("buildQuery", () => {
  it("repeats array keys and skips empty values", () => {
    expect(
      buildQuery({ creative_id: ["a", "b"], search: "", page: 2, x: null }),
    ).toBe("?creative_id=a&creative_id=b&page=2");
    expect(buildQuery({})).toBe("");
  });
});

describe("apiRequest", () => {
  it("sends the bearer token", async () => {
    const fetchMock = stubFetch(jsonResponse({ ok: true }));
    await apiRequest("/api/customers", { token: "abc" });
    const init = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init[0]).toBe("/api/customers");
    expect((init[1].headers as Record<string, string>).Authorization).toBe(
      "Bearer abc",
    );
  });

  it("reads the API error shape", async () => {
    stubFetch(
      jsonResponse(
        {
          error: { code: "validation_error", message: "start_date is invalid" },
        },
        422,
        { "X-Request-ID": "req-1" },
      ),
    );
    const error = await failure(apiRequest("/api/x"));
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_error");
    expect(error.message).toBe("start_date is invalid");
    expect(error.requestId).toBe("req-1");
    expect(error.hasServerMessage).toBe(true);
  });

  it("keeps a 503 error body's message", async () => {
    stubFetch(
      jsonResponse(
        {
          error: {
            code: "database_unavailable",
            message: "The database is not reachable. Try again in a moment.",
          },
        },
        503,
      ),
    );
    const error = await failure(apiRequest("/api/x"));
    expect(error.isUnavailable).toBe(true);
    expect(error.isUnanswered).toBe(false);
    expect(error.message).toBe(
      "The database is not reachable. Try again in a moment.",
    );
  });

  it("reports a proxy's 502 as unavailable", async () => {
    stubFetch(new Response("<html>Bad Gateway</html>", { status: 502 }));
    const error = await failure(apiRequest("/api/x"));
    expect(error.isUnavailable).toBe(true);
    expect(error.code).toBe("server_unavailable");
    expect(error.isUnanswered).toBe(true);
  });

  it("reports a failed fetch as a network error", async () => {
    stubFetch(new TypeError("Failed to fetch"));
    const error = await failure(apiRequest("/api/x"));
    expect(error.status).toBe(0);
    expect(error.isUnavailable).toBe(true);
    expect(error.isUnanswered).toBe(true);
  });

  it("calls the 401 handler for authenticated calls", async () => {
    const handler = vi.fn();
    const remove = onUnauthorized(handler);
    stubFetch(
      jsonResponse(
        { error: { code: "token_expired", message: "expired" } },
        401,
      ),
    );
    await failure(apiRequest("/api/customers", { token: "old" }));
    expect(handler).toHaveBeenCalledTimes(1);

    stubFetch(
      jsonResponse(
        { error: { code: "invalid_credentials", message: "no" } },
        401,
      ),
    );
    await failure(
      apiRequest("/api/account/login", { method: "POST", body: {} }),
    );
    expect(handler).toHaveBeenCalledTimes(1);
    remove();
  });
});
