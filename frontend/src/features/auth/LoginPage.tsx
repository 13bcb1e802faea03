import {
  Alert,
  Box,
  Button,
  Paper,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { useState, type FormEvent } from "react";
import { Navigate, useSearchParams } from "react-router-dom";

import { loginErrorMessage } from "./loginErrorMessage";
import { safeNextPath } from "./nextPath";
import { useAuth } from "./useAuth";
import { useLogin } from "./useLogin";

const NOTICES: Record<string, { severity: "info" | "success"; text: string }> =
  {
    expired: {
      severity: "info",
      text: "Your session has expired. Sign in again to continue where you left off.",
    },
    signed_out: { severity: "success", text: "You have signed out." },
  };

export function LoginPage() {
  const [searchParams] = useSearchParams();
  const { token, user } = useAuth();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  const next = safeNextPath(searchParams.get("next"));
  const notice = NOTICES[searchParams.get("reason") ?? ""];

  if (token !== null && user !== null) return <Navigate to={next} replace />;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  }

  return (
    <Box
      component="main"
      sx={{ display: "grid", placeItems: "center", minHeight: "100vh", p: 2 }}
    >
      <Paper sx={{ p: 4, width: "100%", maxWidth: 420 }}>
        <Typography variant="h5" component="h1" gutterBottom>
          Sign in to Creatives
        </Typography>
        <Stack component="form" spacing={2} onSubmit={handleSubmit} noValidate>
          {notice !== undefined && !login.isError && (
            <Alert severity={notice.severity} data-testid="login-notice">
              {notice.text}
            </Alert>
          )}
          {login.isError && (
            <Alert severity="error" role="alert" data-testid="login-error">
              {loginErrorMessage(login.error)}
            </Alert>
          )}
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <Button
            type="submit"
            variant="contained"
            size="large"
            loading={login.isPending}
            disabled={email.trim() === "" || password === ""}
          >
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}
