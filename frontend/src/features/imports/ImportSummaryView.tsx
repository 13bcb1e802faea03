import { List, ListItem, ListItemText, Stack, Typography } from "@mui/material";

import type { ImportSummary } from "../../api/types";
import { formatCurrency } from "../../lib/format";

/** Rows read, imported and skipped, the period and the spend per currency. */
export function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  const period =
    summary.period_start === null
      ? "no dates"
      : `${summary.period_start} to ${summary.period_end ?? summary.period_start}`;
  return (
    <Stack spacing={1} aria-label="Import summary">
      <Typography>
        {summary.already_imported
          ? `${summary.file_name} was already imported; nothing changed.`
          : `Imported ${summary.file_name}.`}
      </Typography>
      <Typography variant="body2">
        Rows read: {summary.rows_read},{" "}
        {summary.already_imported ? "imported earlier" : "imported"}:{" "}
        {summary.rows_imported}, skipped: {summary.rows_skipped}. Period:{" "}
        {period}.
      </Typography>
      {summary.skipped.length > 0 && (
        <List dense aria-label="Skipped rows">
          {summary.skipped.map((skip) => (
            <ListItem key={skip.reason} disableGutters>
              <ListItemText
                primary={`${skip.rows} skipped: ${skip.reason}`}
                secondary={`Lines ${skip.lines}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      <List dense aria-label="Spend per currency">
        {summary.totals.map((total) => (
          <ListItem key={total.currency} disableGutters>
            <ListItemText
              primary={`Spend ${formatCurrency(total.spend, total.currency)}`}
              secondary={`${total.rows} rows in ${total.currency}`}
            />
          </ListItem>
        ))}
      </List>
    </Stack>
  );
}
