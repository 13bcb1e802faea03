import { useCallback } from "react";

import { apiRequest, type RequestOptions } from "../../api/client";
import { useAuth } from "./useAuth";

/** Returns `apiRequest` bound to the signed-in user's token. */
export function useApiRequest(): <T>(
  path: string,
  options?: Omit<RequestOptions, "token">,
) => Promise<T> {
  const { token } = useAuth();
  return useCallback(
    <T>(path: string, options: Omit<RequestOptions, "token"> = {}) =>
      apiRequest<T>(path, { ...options, token }),
    [token],
  );
}
