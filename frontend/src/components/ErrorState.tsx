import { Alert, AlertTitle, Button, Typography } from "@mui/material";

import { ApiError } from "../api/client";

export interface ErrorStateProps {
  error: unknown;
  onRetry: () => void;
  title?: string;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message !== "") return error.message;
  return "Something went wrong while loading this view.";
}

/** Shows the server's error message with a Retry button in place of the failed view. */
export function ErrorState({
  error,
  onRetry,
  title = "Could not load the data",
}: ErrorStateProps) {
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <Alert
      severity="error"
      role="alert"
      data-testid="error-state"
      action={
        <Button color="inherit" size="small" onClick={onRetry}>
          Retry
        </Button>
      }
    >
      <AlertTitle>{title}</AlertTitle>
      {errorMessage(error)}
      {requestId !== null && (
        <Typography variant="caption" component="p" sx={{ mt: 0.5 }}>
          Request ID: {requestId}
        </Typography>
      )}
    </Alert>
  );
}
