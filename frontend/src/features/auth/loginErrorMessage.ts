import { ApiError } from "../../api/client";

export const INVALID_CREDENTIALS_MESSAGE = "Email or password is incorrect.";
export const ACCOUNT_DISABLED_MESSAGE =
  "This account is disabled. Ask an administrator of your Creatives server to enable it.";
export const SERVER_UNAVAILABLE_MESSAGE =
  "The Creatives server is not answering. Check that it is running, then try again.";

/** Words a failed sign-in so each cause reads differently. */
export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return "Signing in failed unexpectedly. Reload the page and try again.";
  }
  if (error.isUnavailable) return SERVER_UNAVAILABLE_MESSAGE;
  if (error.code === "invalid_credentials" || error.status === 401) {
    return INVALID_CREDENTIALS_MESSAGE;
  }
  if (error.code === "account_disabled" || error.status === 403) {
    return ACCOUNT_DISABLED_MESSAGE;
  }
  return error.message;
}
