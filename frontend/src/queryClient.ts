import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "./api/client";

/**
 * Retries only when the server could not be reached; a 4xx or a 500 will not
 * change on a second try, and the user gets a Retry button for it instead.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, error) =>
          error instanceof ApiError && error.isUnavailable && failureCount < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}
