import RestartAltIcon from "@mui/icons-material/RestartAlt";
import { Button, Paper } from "@mui/material";
import { lazy, memo, Suspense } from "react";

import type { ReadyFilterOptions } from "../../api/types";
import { AttributionToggle } from "./AttributionToggle";
import { DateRangeSkeleton } from "./DateRangeSkeleton";
import { EventSelect } from "./EventSelect";
import type { DashboardFilters, PeriodFilters } from "./filters";
import { isPlatformEvent, PLATFORM_ATTRIBUTION_NOTE } from "./platformEvent";

const DateRangeFields = lazy(() =>
  import("./DateRangeFields").then((module) => ({
    default: module.DateRangeFields,
  })),
);

export interface FilterBarProps {
  options: ReadyFilterOptions;
  filters: PeriodFilters;
  onChange: (patch: Partial<DashboardFilters>) => void;
  onRestore: () => void;
}

// Memoized, so that sorting or searching the grid, or new rows arriving, do
// not re-render the date pickers, whose fields measure the page on every
// render.
export const FilterBar = memo(function FilterBar({
  options,
  filters,
  onChange,
  onRestore,
}: FilterBarProps) {
  return (
    <Paper
      component="section"
      aria-label="Filters"
      sx={{
        p: 2,
        display: "flex",
        flexWrap: "wrap",
        gap: 2,
        alignItems: "center",
      }}
    >
      <EventSelect
        events={options.events}
        value={filters.event}
        onChange={(event) => onChange({ event })}
      />
      <Suspense fallback={<DateRangeSkeleton />}>
        <DateRangeFields
          start={filters.start}
          end={filters.end}
          bounds={options.date_range}
          onChange={onChange}
        />
      </Suspense>
      <AttributionToggle
        windows={options.attribution_windows}
        value={filters.attribution}
        onChange={(attribution) => onChange({ attribution })}
        disabledReason={
          isPlatformEvent(filters.event) ? PLATFORM_ATTRIBUTION_NOTE : undefined
        }
      />
      <Button
        variant="outlined"
        startIcon={<RestartAltIcon />}
        onClick={onRestore}
        sx={{ ml: "auto" }}
      >
        Restore filters
      </Button>
    </Paper>
  );
});
