import type { AxisValueFormatterContext } from "@mui/x-charts/models";
import { ScatterChart } from "@mui/x-charts/ScatterChart";
import { useMemo } from "react";

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
// Above this many points the chart paints over several frames.
const PROGRESSIVE_THRESHOLD = 1500;

function shorten(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** ROAS against spend, one bubble per creative, sized by sessions. */
export function RoasScatterChart({ rows, currency }: RoasScatterChartProps) {
  // ROAS is undefined without spend, so such creatives have no point.
  const points = useMemo(
    () => rows.filter((row) => row.roas !== null && row.spend > 0),
    [rows],
  );
  const maxSessions = Math.max(1, ...points.map((row) => row.sessions));

  if (points.length === 0) {
    return (
      <ChartCard title="ROAS against spend" subtitle="Bubble size: sessions">
        <EmptyState title="No creative with spend">
          ROAS needs spend, and none of the creatives shown had any.
        </EmptyState>
      </ChartCard>
    );
  }

  return (
    <ChartCard
      title="ROAS against spend"
      subtitle={`${formatCount(points.length)} creatives with spend · bubble size: sessions`}
    >
      <ScatterChart
        height={HEIGHT}
        renderer={
          points.length > PROGRESSIVE_THRESHOLD
            ? "svg-progressive"
            : "svg-single"
        }
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
}
