import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Divider,
  Typography,
} from "@mui/material";
import { Fragment } from "react";

import type { CreativeRow } from "../../api/types";
import { adCopies } from "./adCopies";

export interface AdCopyDialogProps {
  row: CreativeRow;
  open: boolean;
  onClose: () => void;
}

/** Every copy of a creative in full, with the ads that use it. */
export function AdCopyDialog({ row, open, onClose }: AdCopyDialogProps) {
  const copies = adCopies(row);
  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>
        {copies.length > 1
          ? `Carousel with ${copies.length} copies`
          : "Ad copy"}
      </DialogTitle>
      <DialogContent dividers>
        {copies.map((copy, index) => (
          <Fragment key={index}>
            {index > 0 && <Divider sx={{ my: 2 }} />}
            {copies.length > 1 && (
              <Typography variant="overline" component="p">
                Copy {index + 1}
              </Typography>
            )}
            <Typography sx={{ whiteSpace: "pre-wrap" }}>{copy}</Typography>
          </Fragment>
        ))}
        <Typography
          variant="caption"
          color="text.secondary"
          component="p"
          sx={{ mt: 2 }}
        >
          Ad IDs: {row.ad_ids.join(", ") || "none"}
        </Typography>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
