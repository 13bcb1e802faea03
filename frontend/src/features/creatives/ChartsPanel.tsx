import { Box } from "@mui/material";
import { memo, useDeferredValue } from "react";

import type { CreativeRow } from "../../api/types";
import { DailySpendChart } from "./DailySpendChart";
import type { PeriodFilters } from "./filters";
import { RoasScatterChart } from "./RoasScatterChart";

export interface ChartsPanelProps {
  filters: PeriodFilters;
  rows: CreativeRow[];
  selectedIds: string[];
  currency: string;
}

/**
 * Both charts; loaded on demand because the charts library is large. It is
 * memoized so that sorting the grid (a URL change) does not redraw thousands
 * of scatter points.
 */
export const ChartsPanel = memo(function ChartsPanel({
  filters,
  rows,
  selectedIds,
  currency,
}: ChartsPanelProps) {
  // Thousands of bubbles take longer to draw than the grid's rows, so the
  // charts follow new rows in a later render that does not hold up the grid.
  const deferredRows = useDeferredValue(rows);
  const selected = new Set(selectedIds);
  const scatterRows =
    selected.size > 0
      ? deferredRows.filter((row) => selected.has(row.id))
      : deferredRows;
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
});
