import type { AxisValueFormatterContext } from "@mui/x-charts/models";
import { ScatterChart } from "@mui/x-charts/ScatterChart";
import { memo, useMemo } from "react";

import type { CreativeRow } from "../../api/types";
import { ChartCard } from "../../components/ChartCard";
import { EmptyState } from "../../components/EmptyState";
import {
  formatCompactCurrency,
  formatCount,
  formatCurrency,
  formatRoas,
} from "../../lib/format";
import { adCopies } from "./adCopies";

export interface RoasScatterChartProps {
  rows: CreativeRow[];
  currency: string;
}

const HEIGHT = 300;
// Beyond a few hundred bubbles the chart is an unreadable cloud that takes
// long to draw, so it shows the creatives with the most spend.
export const MAX_BUBBLES = 500;

function shorten(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** ROAS against spend, one bubble per creative, sized by sessions. */
// Memoized: the charts follow new rows in a deferred render, and the
// urgent render in between must not redraw them with the old data.
export const RoasScatterChart = memo(function RoasScatterChart({
  rows,
  currency,
}: RoasScatterChartProps) {
  // ROAS is undefined without spend, so such creatives have no point.
  const withSpend = useMemo(
    () => rows.filter((row) => row.roas !== null && row.spend > 0),
    [rows],
  );
  const points = useMemo(
    () =>
      withSpend.length <= MAX_BUBBLES
        ? withSpend
        : [...withSpend]
            .sort((a, b) => b.spend - a.spend)
            .slice(0, MAX_BUBBLES),
    [withSpend],
  );
  const scopeLabel =
    points.length < withSpend.length
      ? `the ${formatCount(points.length)} of ${formatCount(withSpend.length)} creatives with the most spend`
      : `${formatCount(points.length)} creatives with spend`;
  const maxSessions = Math.max(1, ...points.map((row) => row.sessions));

  if (points.length === 0) {
    const spent = rows.some((row) => row.spend > 0);
    return (
      <ChartCard title="ROAS against spend" subtitle="Bubble size: sessions">
        {spent ? (
          <EmptyState title="No revenue value">
            ROAS needs a revenue value, and none of the creatives shown has one.
          </EmptyState>
        ) : (
          <EmptyState title="No creative with spend">
            ROAS needs spend, and none of the creatives shown had any.
          </EmptyState>
        )}
      </ChartCard>
    );
  }

  return (
    <ChartCard
      title="ROAS against spend"
      subtitle={`${scopeLabel} · bubble size: sessions`}
    >
      <ScatterChart
        height={HEIGHT}
        title="ROAS against spend per creative chart"
        // MUI X Charts 9.17 names only the chart's container, so its keyboard
        // entry point would be an unnamed tab stop. The table lists the same
        // figures for keyboard users.
        disableKeyboardNavigation
        xAxis={[
          {
            label: `Spend (${currency})`,
            valueFormatter: (
              value: number,
              context: AxisValueFormatterContext,
            ) =>
              context.location === "tick"
                ? formatCompactCurrency(value, currency)
                : formatCurrency(value, currency),
          },
        ]}
        yAxis={[
          {
            label: "ROAS",
            valueFormatter: (value: number) => formatRoas(value),
          },
        ]}
        zAxis={[
          {
            id: "sessions",
            sizeMap: {
              type: "continuous",
              min: 0,
              max: maxSessions,
              size: [3, 22],
            },
          },
        ]}
        series={[
          {
            id: "creatives",
            label: "Creatives",
            sizeAxisId: "sessions",
            data: points.map((row) => ({
              id: row.id,
              x: row.spend,
              y: row.roas ?? 0,
              sizeValue: row.sessions,
            })),
            valueFormatter: (_value, { dataIndex }) => {
              const row = points[dataIndex];
              if (row === undefined) return null;
              return `${shorten(adCopies(row)[0]!)}: spend ${formatCurrency(
                row.spend,
                currency,
              )}, ROAS ${formatRoas(row.roas)}, ${formatCount(row.sessions)} sessions`;
            },
          },
        ]}
        hideLegend
        grid={{ horizontal: true, vertical: true }}
      />
    </ChartCard>
  );
});
