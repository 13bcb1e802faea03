import type { LoginResponse } from "../../api/types";

/** localStorage key of the signed-in session, visible in the browser's dev tools. */
export const SESSION_STORAGE_KEY = "creatives.session";

export interface StoredSession {
  accessToken: string;
  /** Epoch milliseconds after which the server rejects the token. */
  expiresAt: number;
}

export function saveSession(
  response: LoginResponse,
  now = Date.now(),
): StoredSession {
  const session = {
    accessToken: response.accessToken,
    expiresAt: now + response.expiresIn * 1000,
  };
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  return session;
}

/** Reads the stored session; a malformed value counts as signed out. */
export function loadSession(): StoredSession | null {
  const text = localStorage.getItem(SESSION_STORAGE_KEY);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredSession>;
    if (typeof value.accessToken !== "string") return null;
    if (typeof value.expiresAt !== "number") return null;
    return { accessToken: value.accessToken, expiresAt: value.expiresAt };
  } catch {
    return null;
  }
}

export function clearSession(): void {
  localStorage.removeItem(SESSION_STORAGE_KEY);
}
