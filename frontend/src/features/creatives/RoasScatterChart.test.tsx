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

  it("names the chart and adds no unnamed tab stop", () => {
    const rows = [
      creativeRow("c1", 120, { revenue: 390, roas: 3.25 }),
      creativeRow("c2", 80, { revenue: 40, roas: 0.5 }),
    ];

    const { container } = render(
      <RoasScatterChart rows={rows} currency="PHP" />,
    );

    expect(
      container.querySelector(
        '[aria-label="ROAS against spend per creative chart"]',
      ),
    ).not.toBeNull();
    expect(container.querySelector('[tabindex="0"]')).toBeNull();
  });
});
