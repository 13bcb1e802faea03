import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { creativeRow } from "../../test/fixtures";
import { RoasScatterChart } from "./RoasScatterChart";

describe("RoasScatterChart", () => {
  it("says revenue is missing when creatives have spend", () => {
    const rows = [creativeRow("c1", 120, { revenue: null, roas: null })];

    render(<RoasScatterChart rows={rows} currency="PHP" />);

    expect(screen.getByText("No revenue value")).toBeInTheDocument();
    expect(screen.queryByText("No creative with spend")).toBeNull();
  });

  it("says spend is missing when no creative has any", () => {
    const rows = [creativeRow("c1", 0, { roas: null })];

    render(<RoasScatterChart rows={rows} currency="PHP" />);

    expect(screen.getByText("No creative with spend")).toBeInTheDocument();
  });
});
