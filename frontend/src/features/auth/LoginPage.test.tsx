import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse } from "../../test/fixtures";
import {
  currentLocation,
  Providers,
  stubApi,
  testUser,
} from "../../test/providers";
import { LoginPage } from "./LoginPage";
import { RequireAuth } from "./RequireAuth";
import { SESSION_STORAGE_KEY } from "./tokenStorage";
import { useAuth } from "./useAuth";

function ProtectedProbe() {
  const { signOut } = useAuth();
  return (
    <button type="button" onClick={() => signOut("expired")}>
      Dashboard for {useAuth().user?.display_name}
    </button>
  );
}

function renderApp(url: string) {
  return render(
    <Providers url={url}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/"
          element={
            <RequireAuth>
              <ProtectedProbe />
            </RequireAuth>
          }
        />
      </Routes>
    </Providers>,
  );
}

function loginRoute(status: number, body: unknown) {
  return (url: URL) =>
    url.pathname === "/api/account/login"
      ? jsonResponse(body, status)
      : undefined;
}

async function signIn(password = "demo-password") {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/email/i), "demo@creatives.local");
  await user.type(screen.getByLabelText(/password/i), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe("LoginPage", () => {
  it("shows wrong credentials", async () => {
    stubApi(
      loginRoute(401, {
        error: {
          code: "invalid_credentials",
          message: "Email or password is incorrect.",
        },
      }),
    );
    renderApp("/login");
    await signIn("wrong");
    expect(await screen.findByTestId("login-error")).toHaveTextContent(
      "Email or password is incorrect.",
    );
  });

  it("shows a disabled account", async () => {
    stubApi(
      loginRoute(403, {
        error: { code: "account_disabled", message: "Disabled" },
      }),
    );
    renderApp("/login");
    await signIn();
    expect(await screen.findByTestId("login-error")).toHaveTextContent(
      "This account is disabled",
    );
  });

  it("shows an unreachable server", async () => {
    stubApi(() => {
      throw new TypeError("Failed to fetch");
    });
    renderApp("/login");
    await signIn();
    expect(await screen.findByTestId("login-error")).toHaveTextContent(
      "not answering",
    );
  });

  it("shows a 503 error message", async () => {
    stubApi(
      loginRoute(503, {
        error: {
          code: "database_unavailable",
          message: "The database is not reachable. Try again in a moment.",
        },
      }),
    );
    renderApp("/login");
    await signIn();
    const error = await screen.findByTestId("login-error");
    expect(error).toHaveTextContent(
      "The database is not reachable. Try again in a moment.",
    );
    expect(error).not.toHaveTextContent("not answering");
  });

  it("shows a bare 502 as not answering", async () => {
    stubApi((url) =>
      url.pathname === "/api/account/login"
        ? new Response("<html>Bad Gateway</html>", { status: 502 })
        : undefined,
    );
    renderApp("/login");
    await signIn();
    expect(await screen.findByTestId("login-error")).toHaveTextContent(
      "not answering",
    );
  });

  it("returns to the shared view after signing in", async () => {
    stubApi(
      loginRoute(200, {
        accessToken: "fresh",
        tokenType: "bearer",
        expiresIn: 3600,
        user: testUser,
      }),
    );
    renderApp("/?customer=23&event=add_to_cart");
    await waitFor(() => expect(currentLocation()).toMatch(/^\/login\?next=/));

    await signIn();
    expect(
      await screen.findByText(/Dashboard for Demo Analyst/),
    ).toBeInTheDocument();
    expect(currentLocation()).toBe("/?customer=23&event=add_to_cart");
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toContain("fresh");
  });

  it("explains an expired session", async () => {
    localStorage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({ accessToken: "old", expiresAt: Date.now() - 1000 }),
    );
    stubApi();
    renderApp("/?customer=23");
    expect(await screen.findByTestId("login-notice")).toHaveTextContent(
      "session has expired",
    );
    expect(currentLocation()).toBe(
      "/login?next=%2F%3Fcustomer%3D23&reason=expired",
    );
  });
});
