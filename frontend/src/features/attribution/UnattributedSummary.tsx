import { Box, Typography } from "@mui/material";
import type { ReactNode } from "react";

import type { MetricTotals, Unattributed } from "../../api/types";
import { formatDisplayDate } from "../../lib/dates";
import {
  formatConversions,
  formatCurrency,
  formatPercent,
} from "../../lib/format";
import { isPlatformEvent } from "../creatives/platformEvent";
import { attributionBalance, type Figures } from "./attributionBalance";

export interface UnattributedSummaryProps {
  /** The metrics response's figures, or null before attribution has run for the range. */
  unattributed: Unattributed | null | undefined;
  totals: Pick<MetricTotals, "revenue" | "conversions">;
  currency: string;
  event: string;
  start: string;
  end: string;
  /** The window as the API names it: `1d`, `7d`, `30d` or `session`. */
  attribution: string;
  /** The API's label of the window, e.g. `7-day attribution window`. */
  attributionLabel: string;
  /** True when a search narrows the table to some creatives. */
  searchActive: boolean;
}

function Term({
  testId,
  label,
  figures,
  currency,
  detail,
}: {
  testId: string;
  label: string;
  figures: Figures;
  currency: string;
  detail?: string;
}) {
  return (
    <Box component="dl" data-testid={testId} sx={{ m: 0 }}>
      <Typography component="dt" variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0 }}>
        <Box
          component="span"
          data-testid={`${testId}-revenue`}
          sx={{ fontWeight: 600 }}
        >
          {formatCurrency(figures.revenue, currency)}
        </Box>{" "}
        <Box
          component="span"
          data-testid={`${testId}-conversions`}
          sx={{ color: "text.secondary" }}
        >
          ({formatConversions(figures.conversions)}
          {detail !== undefined && `, ${detail}`})
        </Box>
      </Typography>
    </Box>
  );
}

function Section({
  testId,
  children,
}: {
  testId: string;
  children: ReactNode;
}) {
  return (
    <Box
      component="section"
      aria-label="Unattributed conversions"
      data-testid={testId}
      sx={{ px: 2, py: 1.5, borderBottom: 1, borderColor: "divider" }}
    >
      {children}
    </Box>
  );
}

function Operator({ sign }: { sign: string }) {
  return (
    <Typography
      aria-hidden
      variant="h6"
      component="span"
      color="text.secondary"
    >
      {sign}
    </Typography>
  );
}

const WINDOW_DAYS: Record<string, number> = { "1d": 1, "7d": 7, "30d": 30 };

/** Says what makes a sale unattributed in the selected window. */
export function unattributedMeaning(attribution: string): string {
  const days = WINDOW_DAYS[attribution];
  if (days === undefined)
    return "Unattributed conversions did not happen in a visit that started from an ad.";
  const span = days === 1 ? "24 hours" : `${days} days`;
  return `Unattributed conversions had no ad click in the ${span} before them.`;
}

/** Explains why the table's totals differ from the attributed figures. */
function mismatchNote(
  tableRevenue: number | null,
  tableConversions: number,
  currency: string,
  searchActive: boolean,
): string {
  const table =
    tableRevenue === null
      ? formatConversions(tableConversions)
      : `${formatCurrency(tableRevenue, currency)} from ${formatConversions(tableConversions)}`;
  const reason = searchActive
    ? "because the search shows only some creatives, while these figures cover every ad"
    : "because the table also counts rows loaded from files, which attribution does not produce";
  return `The table's totals (${table}) differ from the attributed figures ${reason}.`;
}

/**
 * Shows how much of what the shop sold went to ads and how much is
 * unattributed, for the event, dates and window of the table. Before
 * attribution has run the API has no such figures, and the section states that.
 * The platform event never has them, and the section explains why.
 */
export function UnattributedSummary(props: UnattributedSummaryProps) {
  const { unattributed, totals, currency, event } = props;
  const period = `${formatDisplayDate(props.start)} to ${formatDisplayDate(props.end)}`;

  if (isPlatformEvent(event)) {
    return (
      <Section testId="unattributed-platform">
        <Typography variant="body2" color="text.secondary">
          {event} figures are what the ad platform reports, with its own
          attribution. The platform does not report the conversions that no ad
          received, so there are no unattributed conversions to show.
        </Typography>
      </Section>
    );
  }
  if (unattributed === null || unattributed === undefined) {
    return (
      <Section testId="unattributed-missing">
        <Typography variant="body2" color="text.secondary">
          Unattributed conversions are not available for {event} from {period}:
          attribution has not run for these days, so the conversions that no ad
          received are unknown.
        </Typography>
      </Section>
    );
  }

  const balance = attributionBalance(unattributed, totals);
  const share =
    balance.unattributedShare === null
      ? undefined
      : `${formatPercent(balance.unattributedShare)} of revenue`;

  return (
    <Section testId="unattributed">
      <Box
        sx={{
          display: "flex",
          flexWrap: "wrap",
          alignItems: "center",
          columnGap: 2,
          rowGap: 1,
        }}
      >
        <Term
          testId="balance-attributed"
          label={`Attributed to ads (${props.attributionLabel})`}
          figures={balance.attributed}
          currency={currency}
        />
        <Operator sign="+" />
        <Term
          testId="balance-unattributed"
          label="Unattributed"
          figures={balance.unattributed}
          currency={currency}
          detail={share}
        />
        <Operator sign="=" />
        <Term
          testId="balance-actual"
          label={`Actual ${event}`}
          figures={balance.actual}
          currency={currency}
        />
      </Box>
      <Typography
        variant="caption"
        color="text.secondary"
        component="p"
        sx={{ mt: 0.5 }}
      >
        Every {event} from {period}. {unattributedMeaning(props.attribution)}{" "}
        They are never split between ads or guessed.
      </Typography>
      {!balance.tableMatches && (
        <Typography
          variant="caption"
          color="warning.dark"
          component="p"
          data-testid="unattributed-mismatch"
        >
          {mismatchNote(
            balance.tableRevenue,
            totals.conversions,
            currency,
            props.searchActive,
          )}
        </Typography>
      )}
    </Section>
  );
}
