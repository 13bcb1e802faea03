import { describe, expect, it } from "vitest";

import { buildColumns, missingLastComparator } from "./creativeColumns";

function sortValues(
  values: (number | null)[],
  direction: "asc" | "desc",
): (number | null)[] {
  const compare = missingLastComparator(direction);
  // The grid also passes cell parameters, which the comparator does not read.
  return [...values].sort((left, right) =>
    compare(left, right, undefined as never, undefined as never),
  );
}

describe("missingLastComparator", () => {
  const values = [2, null, 0, 12.34, null, 0.66];

  it("sorts missing values last when ascending", () => {
    expect(sortValues(values, "asc")).toEqual([0, 0.66, 2, 12.34, null, null]);
  });

  it("sorts missing values last when descending", () => {
    expect(sortValues(values, "desc")).toEqual([12.34, 2, 0.66, 0, null, null]);
  });
});

describe("buildColumns", () => {
  it("gives every metric the missing-last sort", () => {
    const columns = buildColumns(
      [
        {
          field: "revenue",
          headerName: "Platform revenue",
          type: "number",
          unit: "currency",
        },
        {
          field: "platform_roas",
          headerName: "Platform ROAS",
          type: "number",
          unit: "ratio",
        },
      ],
      "USD",
      "en-US",
    );
    const revenue = columns.find((column) => column.field === "revenue");
    const platformRoas = columns.find(
      (column) => column.field === "platform_roas",
    );

    expect(revenue?.headerName).toBe("Platform revenue");
    expect(revenue?.getSortComparator).toBe(missingLastComparator);
    expect(platformRoas?.headerName).toBe("Platform ROAS");
  });
});
