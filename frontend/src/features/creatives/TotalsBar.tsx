import { Box, Typography } from "@mui/material";

import type { MetricTotals } from "../../api/types";
import {
  formatCount,
  formatCurrency,
  formatPercent,
  formatRoas,
} from "../../lib/format";

export interface TotalsBarProps {
  totals: MetricTotals;
  currency: string;
  rowCount: number;
}

interface TotalItem {
  key: string;
  label: string;
  text: string;
}

function totalItems(totals: MetricTotals, currency: string): TotalItem[] {
  return [
    {
      key: "spend",
      label: "Spend",
      text: formatCurrency(totals.spend, currency),
    },
    {
      key: "revenue",
      label: "Revenue",
      text: formatCurrency(totals.revenue, currency),
    },
    { key: "roas", label: "ROAS", text: formatRoas(totals.roas) },
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
 * The totals of every creative that matches the filters, as the API sums
 * them. ROAS and the other ratios come from those sums, not from averaging rows.
 */
export function TotalsBar({ totals, currency, rowCount }: TotalsBarProps) {
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
        {totalItems(totals, currency).map((item) => (
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
