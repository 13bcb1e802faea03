import { Box, Typography } from "@mui/material";

import type { MetricTotals } from "../../api/types";
import {
  formatCount,
  formatCurrency,
  formatPercent,
  formatRoas,
} from "../../lib/format";
import { revenueLabel } from "./platformEvent";

export interface TotalsBarProps {
  totals: MetricTotals;
  currency: string;
  rowCount: number;
  /** The event of the figures, which decides what the revenue is called. */
  event: string;
  /** Shows the platform's ROAS beside the pixel's, as the grid does. */
  showPlatformRoas?: boolean;
}

interface TotalItem {
  key: string;
  label: string;
  text: string;
}

function totalItems(
  totals: MetricTotals,
  currency: string,
  event: string,
  showPlatformRoas: boolean,
): TotalItem[] {
  const platformRoas: TotalItem[] = showPlatformRoas
    ? [
        {
          key: "platform_roas",
          label: "Platform ROAS",
          text: formatRoas(totals.platform_roas),
        },
      ]
    : [];
  return [
    {
      key: "spend",
      label: "Spend",
      text: formatCurrency(totals.spend, currency),
    },
    {
      key: "revenue",
      label: revenueLabel(event),
      text: formatCurrency(totals.revenue, currency),
    },
    { key: "roas", label: "ROAS", text: formatRoas(totals.roas) },
    ...platformRoas,
    {
      key: "conversions",
      label: "Conversions",
      text: formatCount(totals.conversions),
    },
    { key: "cpa", label: "CPA", text: formatCurrency(totals.cpa, currency) },
    { key: "clicks", label: "Clicks", text: formatCount(totals.clicks) },
    {
      key: "impressions",
      label: "Impressions",
      text: formatCount(totals.impressions),
    },
    { key: "sessions", label: "Sessions", text: formatCount(totals.sessions) },
    { key: "ctr", label: "CTR", text: formatPercent(totals.ctr) },
    { key: "cpc", label: "CPC", text: formatCurrency(totals.cpc, currency) },
    { key: "cpm", label: "CPM", text: formatCurrency(totals.cpm, currency) },
  ];
}

/**
 * Shows the totals of every creative that matches the filters, as the API
 * sums them. ROAS and the other ratios come from those sums, not from averaging rows.
 */
export function TotalsBar({
  totals,
  currency,
  rowCount,
  event,
  showPlatformRoas = false,
}: TotalsBarProps) {
  return (
    <Box
      component="section"
      aria-label="Totals"
      data-testid="totals"
      sx={{
        display: "flex",
        flexWrap: "wrap",
        alignItems: "baseline",
        columnGap: 3,
        rowGap: 1,
        px: 2,
        py: 1.5,
        borderBottom: 1,
        borderColor: "divider",
        bgcolor: "grey.50",
      }}
    >
      <Typography variant="subtitle2" component="h2">
        Totals of {formatCount(rowCount)}{" "}
        {rowCount === 1 ? "creative" : "creatives"}
      </Typography>
      <Box component="dl" sx={{ display: "contents" }}>
        {totalItems(totals, currency, event, showPlatformRoas).map((item) => (
          <Box key={item.key} data-testid={`total-${item.key}`}>
            <Typography component="dt" variant="caption" color="text.secondary">
              {item.label}
            </Typography>
            <Typography
              component="dd"
              variant="body2"
              sx={{ m: 0, fontWeight: 600 }}
            >
              {item.text}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
