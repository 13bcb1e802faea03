import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";

import { ApiError, apiRequest, onUnauthorized } from "../../api/client";
import type { LoginResponse, User } from "../../api/types";
import {
  AuthContext,
  type AuthState,
  type SessionEndReason,
} from "./AuthContext";
import { clearSession, loadSession, saveSession } from "./tokenStorage";

export interface AuthProviderProps {
  children: ReactNode;
}

interface SessionState {
  token: string | null;
  user: User | null;
  endReason: SessionEndReason | null;
}

function initialSession(): SessionState {
  const stored = loadSession();
  if (stored === null) return { token: null, user: null, endReason: null };
  if (stored.expiresAt <= Date.now()) {
    clearSession();
    return { token: null, user: null, endReason: "expired" };
  }
  return { token: stored.accessToken, user: null, endReason: null };
}

export function AuthProvider({ children }: AuthProviderProps) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionState>(initialSession);

  const signOut = useCallback(
    (reason: SessionEndReason) => {
      clearSession();
      setSession({ token: null, user: null, endReason: reason });
      queryClient.clear();
    },
    [queryClient],
  );

  const signIn = useCallback((response: LoginResponse) => {
    saveSession(response);
    setSession({
      token: response.accessToken,
      user: response.user,
      endReason: null,
    });
  }, []);

  useEffect(() => onUnauthorized(() => signOut("expired")), [signOut]);

  // After a reload only the token is stored, so the user is loaded again.
  const account = useQuery({
    queryKey: ["my-account", session.token],
    queryFn: ({ signal }) =>
      apiRequest<{ user: User }>("/api/account/my-account", {
        token: session.token,
        signal,
      }),
    enabled: session.token !== null && session.user === null,
    retry: false,
  });

  const user = session.user ?? account.data?.user ?? null;
  const accountError = account.error instanceof ApiError ? account.error : null;
  const accountStatus =
    session.token === null || user !== null
      ? "idle"
      : account.isError
        ? "error"
        : "loading";

  const refetchAccount = account.refetch;
  const value = useMemo<AuthState>(
    () => ({
      token: session.token,
      user,
      accountStatus,
      accountError,
      retryAccount: () => void refetchAccount(),
      endReason: session.endReason,
      signIn,
      signOut,
    }),
    [
      session,
      user,
      accountStatus,
      accountError,
      refetchAccount,
      signIn,
      signOut,
    ],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
