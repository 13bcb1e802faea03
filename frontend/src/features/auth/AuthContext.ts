import { createContext } from "react";

import type { ApiError } from "../../api/client";
import type { LoginResponse, User } from "../../api/types";

/** Why the last session ended; the login page words its notice from this. */
export type SessionEndReason = "expired" | "signed_out";

export interface AuthState {
  token: string | null;
  user: User | null;
  /** Set while the account of a stored token is being loaded or failed to load. */
  accountStatus: "idle" | "loading" | "error";
  accountError: ApiError | null;
  retryAccount: () => void;
  endReason: SessionEndReason | null;
  signIn: (response: LoginResponse) => void;
  signOut: (reason: SessionEndReason) => void;
}

export const AuthContext = createContext<AuthState | null>(null);
