import { ApiError } from "../../api/client";

export const INVALID_CREDENTIALS_MESSAGE = "Email or password is incorrect.";
export const ACCOUNT_DISABLED_MESSAGE =
  "This account is disabled. Ask an administrator of your Creatives server to enable it.";
export const SERVER_UNAVAILABLE_MESSAGE =
  "The Creatives server is not answering. Check that it is running, then try again.";

/**
 * Words a failed sign-in so each cause reads differently. "Not answering" is
 * only for a request that got no response from the Creatives server itself.
 * Any response with the API's error body, such as a 503
 * `database_unavailable`, shows the server's message.
 */
export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return "Signing in failed unexpectedly. Reload the page and try again.";
  }
  if (error.isUnanswered) return SERVER_UNAVAILABLE_MESSAGE;
  if (error.code === "invalid_credentials") return INVALID_CREDENTIALS_MESSAGE;
  if (error.code === "account_disabled") return ACCOUNT_DISABLED_MESSAGE;
  if (!error.hasServerMessage) {
    if (error.status === 401) return INVALID_CREDENTIALS_MESSAGE;
    if (error.status === 403) return ACCOUNT_DISABLED_MESSAGE;
  }
  return error.message;
}
