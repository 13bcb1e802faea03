import {
  Alert,
  Skeleton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableFooter,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";

import type { ConversionsResponse, CreativeRow } from "../../api/types";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { formatDateTime, formatDisplayDate } from "../../lib/dates";
import {
  formatConversions,
  formatCount,
  formatCurrency,
} from "../../lib/format";
import type { PeriodFilters } from "../creatives/filters";
import {
  matchesRow,
  MAX_LISTED_CONVERSIONS,
  windowText,
} from "./conversionRows";
import { useCreativeConversions } from "./useCreativeConversions";

export interface ConversionsListProps {
  filters: PeriodFilters;
  row: CreativeRow;
  currency: string;
  /** The customer's IANA time zone, on whose clock every time is shown. */
  timeZone: string;
}

function RowMismatch({
  response,
  row,
  currency,
}: {
  response: ConversionsResponse;
  row: CreativeRow;
  currency: string;
}) {
  if (matchesRow(response, row)) return null;
  const rowRevenue: number | null = row.revenue ?? null;
  const rowText =
    rowRevenue === null
      ? formatConversions(row.conversions)
      : `${formatConversions(row.conversions)} worth ${formatCurrency(rowRevenue, currency)}`;
  return (
    <Alert severity="warning" data-testid="conversions-mismatch">
      The table row shows {rowText}. The difference comes from rows loaded from
      files, which have no list of single conversions.
    </Alert>
  );
}

function ConversionsTable({
  response,
  timeZone,
}: {
  response: ConversionsResponse;
  timeZone: string;
}) {
  const listed = response.conversions.slice(0, MAX_LISTED_CONVERSIONS);
  const currency = response.currency;
  return (
    <TableContainer>
      <Table size="small" aria-label="Conversions" stickyHeader>
        <TableHead>
          <TableRow>
            <TableCell>Order</TableCell>
            <TableCell align="right">Value</TableCell>
            <TableCell>Converted</TableCell>
            <TableCell>Ad clicked</TableCell>
            <TableCell>Window</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {listed.map((conversion) => (
            <TableRow key={conversion.event_id} data-testid="conversion-row">
              <TableCell>
                {conversion.order_id ?? (
                  <Typography variant="body2" color="text.secondary">
                    No order ID
                  </Typography>
                )}
              </TableCell>
              <TableCell
                align="right"
                data-testid="conversion-value"
                sx={{ whiteSpace: "nowrap" }}
              >
                {conversion.value === null
                  ? "No value"
                  : formatCurrency(conversion.value, currency)}
              </TableCell>
              <TableCell sx={{ whiteSpace: "nowrap" }}>
                {formatDateTime(conversion.converted_at, timeZone)}
              </TableCell>
              <TableCell sx={{ whiteSpace: "nowrap" }}>
                {conversion.clicked_at === null
                  ? "–"
                  : formatDateTime(conversion.clicked_at, timeZone)}
              </TableCell>
              <TableCell>{windowText(conversion)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
        <TableFooter>
          <TableRow
            sx={{
              "& td": { color: "text.primary", fontWeight: 600, fontSize: 14 },
            }}
          >
            <TableCell>Total of {formatConversions(response.count)}</TableCell>
            <TableCell align="right">
              {formatCurrency(response.value, currency)}
            </TableCell>
            <TableCell colSpan={3} />
          </TableRow>
        </TableFooter>
      </Table>
    </TableContainer>
  );
}

/**
 * Lists the conversions behind one grid row: loading, error and empty
 * states, the total with a check against the row, then the table.
 */
export function ConversionsList({
  filters,
  row,
  currency,
  timeZone,
}: ConversionsListProps) {
  const conversions = useCreativeConversions(filters, row.id);

  if (conversions.isPending) {
    return (
      <Stack spacing={1} aria-label="Loading conversions" role="status">
        <Skeleton variant="text" width="60%" />
        <Skeleton variant="rounded" height={240} />
      </Stack>
    );
  }
  if (conversions.isError) {
    return (
      <ErrorState
        title="Could not load the conversions"
        error={conversions.error}
        onRetry={() => void conversions.refetch()}
      />
    );
  }

  const response = conversions.data;
  if (response.count === 0) {
    return (
      <Stack spacing={2}>
        <RowMismatch response={response} row={row} currency={currency} />
        <EmptyState title="No conversions credited to this creative">
          No {response.event} from {formatDisplayDate(filters.start)} to{" "}
          {formatDisplayDate(filters.end)} was credited to this creative in the
          selected window.
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Stack spacing={2}>
      <Typography data-testid="conversions-total" sx={{ fontWeight: 600 }}>
        {formatConversions(response.count)},{" "}
        {formatCurrency(response.value, response.currency)} in total
      </Typography>
      <RowMismatch response={response} row={row} currency={currency} />
      {response.conversions.length > MAX_LISTED_CONVERSIONS && (
        <Alert severity="info">
          Showing the first {formatCount(MAX_LISTED_CONVERSIONS)} of{" "}
          {formatConversions(response.count)}; the total covers all of them.
        </Alert>
      )}
      <ConversionsTable response={response} timeZone={timeZone} />
    </Stack>
  );
}
