import { describe, expect, it } from "vitest";

import { ApiError } from "../../api/client";
import {
  ACCOUNT_DISABLED_MESSAGE,
  INVALID_CREDENTIALS_MESSAGE,
  loginErrorMessage,
  SERVER_UNAVAILABLE_MESSAGE,
} from "./loginErrorMessage";

describe("loginErrorMessage", () => {
  it("names wrong credentials", () => {
    const error = new ApiError(
      401,
      "invalid_credentials",
      "Email or password is incorrect.",
    );
    expect(loginErrorMessage(error)).toBe(INVALID_CREDENTIALS_MESSAGE);
  });

  it("names a disabled account", () => {
    const error = new ApiError(403, "account_disabled", "Account disabled.");
    expect(loginErrorMessage(error)).toBe(ACCOUNT_DISABLED_MESSAGE);
  });

  it("names an unreachable server", () => {
    for (const status of [0, 502, 503, 504]) {
      const error = new ApiError(status, "server_unavailable", "down");
      expect(loginErrorMessage(error)).toBe(SERVER_UNAVAILABLE_MESSAGE);
    }
  });

  it("passes a 503 error message through", () => {
    const error = new ApiError(
      503,
      "database_unavailable",
      "The database is not reachable. Try again in a moment.",
      null,
      [],
      true,
    );
    expect(loginErrorMessage(error)).toBe(
      "The database is not reachable. Try again in a moment.",
    );
  });

  it("passes other server messages through", () => {
    const error = new ApiError(
      422,
      "validation_error",
      "email is not a valid address",
    );
    expect(loginErrorMessage(error)).toBe("email is not a valid address");
  });
});
