import type { SessionEndReason } from "./AuthContext";

/**
 * Returns `next` when it is a path inside this app, otherwise `/`. Only such
 * paths are followed after signing in, so a crafted link cannot send the user
 * to another site (`//evil.example` is a host, not a path).
 */
export function safeNextPath(next: string | null): string {
  if (next === null || !next.startsWith("/") || next.startsWith("//"))
    return "/";
  if (next.startsWith("/login")) return "/";
  return next;
}

/** Builds the login URL that brings the user back to `from` afterwards. */
export function loginPath(
  from: string,
  reason: SessionEndReason | null,
): string {
  const params = new URLSearchParams();
  if (reason !== "signed_out" && from !== "/") params.set("next", from);
  if (reason !== null) params.set("reason", reason);
  const query = params.toString();
  return query === "" ? "/login" : `/login?${query}`;
}
