import InsightsIcon from "@mui/icons-material/Insights";
import { AppBar, Stack, Toolbar, Typography } from "@mui/material";
import type { ReactNode } from "react";

export interface AppHeaderProps {
  /** Controls shown on the right, such as the customer switcher and user menu. */
  actions?: ReactNode;
}

export function AppHeader({ actions }: AppHeaderProps) {
  return (
    <AppBar
      position="sticky"
      color="inherit"
      elevation={0}
      sx={{ borderBottom: 1, borderColor: "divider" }}
    >
      <Toolbar sx={{ gap: 2 }}>
        <InsightsIcon color="primary" aria-hidden />
        <Typography
          variant="h6"
          component="p"
          sx={{ fontWeight: 700, mr: "auto" }}
        >
          Creatives
        </Typography>
        <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
          {actions}
        </Stack>
      </Toolbar>
    </AppBar>
  );
}
