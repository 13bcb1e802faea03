import { Box } from "@mui/material";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { ErrorState } from "../../components/ErrorState";
import { PageSpinner } from "../../components/PageSpinner";
import { loginPath } from "./nextPath";
import { useAuth } from "./useAuth";

export interface RequireAuthProps {
  children: ReactNode;
}

/** Renders its children for a signed-in user and sends others to the login page. */
export function RequireAuth({ children }: RequireAuthProps) {
  const { token, user, accountStatus, accountError, retryAccount, endReason } =
    useAuth();
  const location = useLocation();

  if (token === null) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to={loginPath(from, endReason)} replace />;
  }
  if (accountStatus === "error" && accountError !== null) {
    return (
      <Box sx={{ p: 4 }}>
        <ErrorState error={accountError} onRetry={retryAccount} />
      </Box>
    );
  }
  if (user === null) {
    return <PageSpinner label="Loading your account" />;
  }
  return children;
}
