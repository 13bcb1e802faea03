import OpenInFullIcon from "@mui/icons-material/OpenInFull";
import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";
import { Box, Chip, IconButton, Tooltip, Typography } from "@mui/material";
import { useState } from "react";

import type { CreativeRow } from "../../api/types";
import { adCopies } from "./adCopies";
import { AdCopyDialog } from "./AdCopyDialog";
import { useCreativeTableState } from "./CreativeTableContext";

export interface AdCopyCellProps {
  row: CreativeRow;
  /** The grid's tab index for the cell, so Tab reaches the button only in the focused cell. */
  tabIndex: 0 | -1;
}

/**
 * Renders the first copy on one line, every copy on hover, all in full on
 * click, and a button that opens the row's conversions.
 */
export function AdCopyCell({ row, tabIndex }: AdCopyCellProps) {
  const [open, setOpen] = useState(false);
  const { onShowConversions } = useCreativeTableState();
  const copies = adCopies(row);

  return (
    <Box
      sx={{
        display: "flex",
        alignItems: "center",
        gap: 1,
        minWidth: 0,
        height: "100%",
      }}
    >
      <Tooltip
        title={<Box sx={{ whiteSpace: "pre-wrap" }}>{copies.join("\n\n")}</Box>}
        enterDelay={400}
        placement="bottom-start"
      >
        <Typography variant="body2" noWrap sx={{ flex: 1, minWidth: 0 }}>
          {copies[0]}
        </Typography>
      </Tooltip>
      {copies.length > 1 && (
        <Chip size="small" label={`+${copies.length - 1}`} aria-hidden />
      )}
      <IconButton
        size="small"
        tabIndex={tabIndex}
        aria-label={`Show full ad copy (${copies.length} ${copies.length > 1 ? "copies" : "copy"})`}
        onClick={() => setOpen(true)}
      >
        <OpenInFullIcon fontSize="inherit" />
      </IconButton>
      <Tooltip title="Show conversions">
        <IconButton
          size="small"
          tabIndex={tabIndex}
          aria-label="Show conversions"
          onClick={() => onShowConversions(row)}
        >
          <ReceiptLongIcon fontSize="inherit" />
        </IconButton>
      </Tooltip>
      {open && (
        <AdCopyDialog row={row} open={open} onClose={() => setOpen(false)} />
      )}
    </Box>
  );
}
