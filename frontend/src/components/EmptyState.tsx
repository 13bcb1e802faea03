import { Box, Typography } from "@mui/material";
import type { ReactNode } from "react";

export interface EmptyStateProps {
  title: string;
  children?: ReactNode;
}

export function EmptyState({ title, children }: EmptyStateProps) {
  return (
    <Box
      role="status"
      data-testid="empty-state"
      sx={{ display: "grid", placeItems: "center", height: "100%", p: 4 }}
    >
      <Box sx={{ textAlign: "center", maxWidth: 520 }}>
        <Typography variant="h6" component="p" gutterBottom>
          {title}
        </Typography>
        {children !== undefined && (
          <Typography variant="body2" color="text.secondary">
            {children}
          </Typography>
        )}
      </Box>
    </Box>
  );
}
