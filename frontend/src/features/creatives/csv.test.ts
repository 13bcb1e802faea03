import { describe, expect, it } from "vitest";

import { creativeRow, metricsResponse } from "../../test/fixtures";
import { buildCreativesCsv, csvFileName, type CsvContext } from "./csv";

const context: CsvContext = {
  customerName: "Pizzeria Napoli",
  customerId: "23",
  event: "order_completed",
  start: "2024-03-01",
  end: "2024-03-31",
  attribution: "7 days (7d)",
  attributionCode: "7d",
  search: "",
  currency: "USD",
};

const columns = [
  { field: "ad_copy", headerName: "Ad copy" },
  { field: "spend", headerName: "Spend" },
  { field: "roas", headerName: "ROAS" },
];

describe("buildCreativesCsv", () => {
  const rows = [
    creativeRow("c1", 1200, {
      ad_copy: 'Say "ciao"\n\nSecond copy',
      roas: 3.25,
    }),
    creativeRow("c2", 0, { ad_copy: "=HYPERLINK()", roas: null }),
  ];
  const lines = buildCreativesCsv(context, columns, rows).split("\r\n");

  it("states the view in its first lines", () => {
    expect(lines[0]).toBe("Customer,Pizzeria Napoli (23)");
    expect(lines[1]).toBe("Event,order_completed");
    expect(lines[2]).toBe("Start date,2024-03-01");
    expect(lines[3]).toBe("End date,2024-03-31");
    expect(lines[4]).toBe("Attribution window,7 days (7d)");
    expect(lines[5]).toBe("Currency,USD");
    expect(lines[6]).toBe("");
    expect(lines[7]).toBe("Creative ID,Ad copy,Spend,ROAS");
  });

  it("writes numbers unformatted and quotes text", () => {
    expect(lines[8]).toBe('c1,"Say ""ciao""\n\nSecond copy",1200,3.25');
  });

  it("neutralises formulas and leaves null empty", () => {
    expect(lines[9]).toBe("c2,'=HYPERLINK(),0,");
  });
});

describe("buildCreativesCsv with platform revenue", () => {
  const platformColumns = [
    { field: "revenue", headerName: "Platform revenue" },
    { field: "roas", headerName: "ROAS" },
    { field: "platform_roas", headerName: "Platform ROAS" },
  ];
  const rows = [
    creativeRow("c1", 60, { revenue: 12.34, roas: 0.2057 }),
    creativeRow("c2", 15, { revenue: null, roas: null }),
  ];
  const lines = buildCreativesCsv(context, platformColumns, rows).split("\r\n");

  it("leaves a missing revenue empty, not 0", () => {
    expect(lines[7]).toBe("Creative ID,Platform revenue,ROAS,Platform ROAS");
    expect(lines[8]).toBe("c1,12.34,0.2057,");
    expect(lines[9]).toBe("c2,,,");
  });
});

describe("buildCreativesCsv with a search and totals", () => {
  const totals = {
    ...metricsResponse([]).totals,
    spend: 1200,
    revenue: 3900,
    roas: 3.25,
  };
  const rows = [creativeRow("c1", 1200, { ad_copy: "Café", roas: 3.25 })];
  const lines = buildCreativesCsv(
    { ...context, search: " café " },
    [...columns, { field: "revenue", headerName: "Revenue" }],
    rows,
    totals,
  ).split("\r\n");

  it("states the search in the heading", () => {
    expect(lines[5]).toBe("Search,café");
    expect(lines[6]).toBe("Currency,USD");
    expect(lines[8]).toBe("Creative ID,Ad copy,Spend,ROAS,Revenue");
  });

  it("ends with the totals line", () => {
    expect(lines[10]).toBe("Total,,1200,3.25,3900");
    expect(lines[11]).toBe("");
    expect(lines).toHaveLength(12);
  });

  it("leaves the totals line out without totals", () => {
    const text = buildCreativesCsv(context, columns, rows);
    expect(text).not.toContain("Total");
  });
});

describe("csvFileName", () => {
  it("names the view with the window code", () => {
    expect(csvFileName(context)).toBe(
      "creatives_23_order_completed_2024-03-01_2024-03-31_7d.csv",
    );
  });

  it("leaves no doubled or trailing separators", () => {
    expect(
      csvFileName({
        ...context,
        customerId: "Acme Inc / EU",
        event: "  order__completed!",
        attributionCode: "(7d)",
      }),
    ).toBe(
      "creatives_Acme-Inc-EU_order_completed_2024-03-01_2024-03-31_7d.csv",
    );
  });

  it("drops a part left empty", () => {
    expect(csvFileName({ ...context, attributionCode: "()" })).toBe(
      "creatives_23_order_completed_2024-03-01_2024-03-31.csv",
    );
  });
});
