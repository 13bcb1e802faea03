import { Skeleton } from "@mui/material";
import { LineChart } from "@mui/x-charts/LineChart";
import { memo } from "react";

import { ChartCard } from "../../components/ChartCard";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { formatDisplayDate, formatShortDate } from "../../lib/dates";
import { formatCompactCurrency, formatCurrency } from "../../lib/format";
import type { PeriodFilters } from "./filters";
import { chartRevenueLabel } from "./platformEvent";
import { useDailyMetrics } from "./useDailyMetrics";

export interface DailySpendChartProps {
  filters: PeriodFilters;
  /** Creatives to include; empty means every creative. */
  creativeIds: string[];
  currency: string;
}

const HEIGHT = 300;

/**
 * Daily spend against attributed revenue, or against the platform's reported
 * revenue for imported platform data, for all or the selected creatives. A day
 * without a revenue value is a gap in the line, not a zero.
 */
// Memoized: the charts follow new rows in a deferred render, and the
// urgent render in between must not redraw them with the old data.
export const DailySpendChart = memo(function DailySpendChart({
  filters,
  creativeIds,
  currency,
}: DailySpendChartProps) {
  const daily = useDailyMetrics(filters, creativeIds);
  const revenueName = chartRevenueLabel(filters.event);
  const scope =
    creativeIds.length === 0
      ? "All creatives"
      : `${creativeIds.length} selected ${creativeIds.length === 1 ? "creative" : "creatives"}`;

  let content;
  if (daily.isPending) {
    content = (
      <Skeleton
        variant="rounded"
        height={HEIGHT}
        aria-label="Loading daily chart"
      />
    );
  } else if (daily.isError) {
    content = (
      <ErrorState error={daily.error} onRetry={() => void daily.refetch()} />
    );
  } else if (daily.data.days.length === 0) {
    content = (
      <EmptyState title="No daily data">
        Nothing was spent or attributed between{" "}
        {formatDisplayDate(filters.start)} and {formatDisplayDate(filters.end)}.
      </EmptyState>
    );
  } else {
    const days = daily.data.days;
    const money = (value: number | null) =>
      formatCurrency(value, daily.data.currency);
    content = (
      <LineChart
        height={HEIGHT}
        title={`Daily spend and ${revenueName.toLowerCase()} chart`}
        // NOTE: MUI X Charts 9.17 names only the chart's container, and its
        // keyboard entry point would be an unnamed tab stop, so arrow-key
        // navigation is off. The table does not list these daily figures.
        disableKeyboardNavigation
        xAxis={[
          {
            scaleType: "point",
            data: days.map((day) => day.date),
            valueFormatter: (value: string, context) =>
              context.location === "tick"
                ? formatShortDate(value)
                : formatDisplayDate(value),
          },
        ]}
        yAxis={[
          {
            // From zero: a flat spend (a monthly row spread over its days) differs only
            // in its sixth decimal, and a zoomed axis would draw that as a zig-zag.
            min: 0,
            valueFormatter: (value: number) =>
              formatCompactCurrency(value, daily.data.currency),
            width: 64,
          },
        ]}
        series={[
          {
            id: "spend",
            label: "Spend",
            data: days.map((day) => day.spend),
            valueFormatter: money,
            showMark: false,
          },
          {
            id: "revenue",
            label: revenueName,
            data: days.map((day) => day.revenue),
            valueFormatter: money,
            showMark: false,
          },
        ]}
        grid={{ horizontal: true }}
      />
    );
  }

  return (
    <ChartCard
      title={`Daily spend and ${revenueName.toLowerCase()}`}
      subtitle={`${scope} · ${filters.event} · ${currency}`}
    >
      {content}
    </ChartCard>
  );
});
