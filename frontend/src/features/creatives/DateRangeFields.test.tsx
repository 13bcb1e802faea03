import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { allowedRangeText, DateRangeFields } from "./DateRangeFields";

const bounds = { start_date: "2024-03-02", end_date: "2024-06-30" };

describe("allowedRangeText", () => {
  it("names both ends as the field shows dates", () => {
    expect(allowedRangeText("2024-03-02", "2024-06-30")).toBe(
      "Pick a day from 2 Mar 2024 to 30 Jun 2024.",
    );
  });
});

describe("DateRangeFields", () => {
  it("explains a typed day before the data", async () => {
    const onChange = vi.fn();
    render(
      <DateRangeFields
        start="2024-06-01"
        end="2024-06-30"
        bounds={bounds}
        onChange={onChange}
      />,
    );
    const user = userEvent.setup();
    const group = screen.getByRole("group", { name: "Start date" });
    await user.click(within(group).getByRole("spinbutton", { name: "Year" }));
    await user.keyboard("2023");

    await waitFor(() =>
      expect(
        screen.getByText("Pick a day from 2 Mar 2024 to 30 Jun 2024."),
      ).toBeInTheDocument(),
    );
    // Past the typing delay, the out-of-range day has still not been applied.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(onChange).not.toHaveBeenCalled();

    await user.click(within(group).getByRole("spinbutton", { name: "Year" }));
    await user.keyboard("2024");
    await waitFor(() =>
      expect(screen.queryByText(/Pick a day/)).not.toBeInTheDocument(),
    );
  });
});
