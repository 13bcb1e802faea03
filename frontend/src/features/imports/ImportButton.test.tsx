import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { jsonResponse } from "../../test/fixtures";
import { Providers, storeSession, testUser } from "../../test/providers";
import { useAuth } from "../auth/useAuth";
import { ImportButton } from "./ImportButton";

function signInAs(role: "admin" | "analyst") {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => jsonResponse({ user: { ...testUser, role } })),
  );
}

function RoleProbe() {
  const { user } = useAuth();
  return user === null ? null : <p>role: {user.role}</p>;
}

function renderButton() {
  render(
    <Providers>
      <RoleProbe />
      <ImportButton customer="23" />
    </Providers>,
  );
}

describe("ImportButton", () => {
  beforeEach(() => storeSession());
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it("opens the lazy dialog for admins", async () => {
    signInAs("admin");
    renderButton();

    await userEvent.click(
      await screen.findByRole("button", { name: "Import" }),
    );

    expect(
      await screen.findByRole("dialog", { name: "Import ad data" }),
    ).toBeInTheDocument();
  });

  it("is hidden from analysts", async () => {
    signInAs("analyst");
    renderButton();

    // The account has loaded once the probe shows the role.
    expect(await screen.findByText("role: analyst")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Import" })).toBeNull();
  });
});
