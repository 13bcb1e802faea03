import { Box } from "@mui/material";

import type { CreativeRow } from "../../api/types";
import { DailySpendChart } from "./DailySpendChart";
import type { DashboardFilters } from "./filters";
import { RoasScatterChart } from "./RoasScatterChart";

export interface ChartsPanelProps {
  filters: DashboardFilters;
  rows: CreativeRow[];
  selectedIds: string[];
  currency: string;
}

/** Both charts; loaded on demand because the charts library is large. */
export function ChartsPanel({
  filters,
  rows,
  selectedIds,
  currency,
}: ChartsPanelProps) {
  const selected = new Set(selectedIds);
  const scatterRows =
    selected.size > 0 ? rows.filter((row) => selected.has(row.id)) : rows;
  return (
    <Box
      sx={{
        display: "grid",
        gap: 2,
        gridTemplateColumns: { xs: "1fr", lg: "1fr 1fr" },
      }}
    >
      <DailySpendChart
        filters={filters}
        creativeIds={selectedIds}
        currency={currency}
      />
      <RoasScatterChart rows={scatterRows} currency={currency} />
    </Box>
  );
}
