import CloseIcon from "@mui/icons-material/Close";
import { Box, Drawer, IconButton, Stack, Typography } from "@mui/material";
import { useId } from "react";

import type { CreativeRow } from "../../api/types";
import { formatDisplayDate } from "../../lib/dates";
import { adCopies } from "../creatives/adCopies";
import { attributionLabel, type PeriodFilters } from "../creatives/filters";
import { ConversionsList } from "./ConversionsList";

export interface ConversionsDrawerProps {
  /** The row whose conversions are shown, or null to keep the drawer closed. */
  row: CreativeRow | null;
  filters: PeriodFilters;
  currency: string;
  timeZone: string;
  onClose: () => void;
}

/** Opens from the right with the conversions behind one grid row. */
export function ConversionsDrawer({
  row,
  filters,
  currency,
  timeZone,
  onClose,
}: ConversionsDrawerProps) {
  const titleId = useId();
  return (
    <Drawer
      anchor="right"
      open={row !== null}
      onClose={onClose}
      slotProps={{
        paper: {
          "aria-labelledby": titleId,
          sx: { width: { xs: "100%", md: 760 } },
        },
      }}
    >
      {row !== null && (
        <Box sx={{ p: 2 }} data-testid="conversions-drawer">
          <Stack direction="row" spacing={1} sx={{ alignItems: "flex-start" }}>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <Typography id={titleId} variant="h6" component="h2">
                Conversions
              </Typography>
              <Typography variant="body2" noWrap title={adCopies(row)[0]}>
                {adCopies(row)[0]}
              </Typography>
              <Typography variant="caption" color="text.secondary">
                {filters.event}, {formatDisplayDate(filters.start)} to{" "}
                {formatDisplayDate(filters.end)}, attribution window{" "}
                {attributionLabel(filters.attribution)}. Times in {timeZone}.
              </Typography>
            </Box>
            <IconButton aria-label="Close conversions" onClick={onClose}>
              <CloseIcon />
            </IconButton>
          </Stack>
          <Box sx={{ mt: 2 }}>
            <ConversionsList
              filters={filters}
              row={row}
              currency={currency}
              timeZone={timeZone}
            />
          </Box>
        </Box>
      )}
    </Drawer>
  );
}
