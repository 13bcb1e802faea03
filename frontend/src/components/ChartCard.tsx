import { Paper, Typography } from "@mui/material";
import type { ReactNode } from "react";

export interface ChartCardProps {
  title: string;
  subtitle: string;
  children: ReactNode;
}

export function ChartCard({ title, subtitle, children }: ChartCardProps) {
  return (
    <Paper
      component="figure"
      aria-label={title}
      sx={{ m: 0, p: 2, minWidth: 0 }}
    >
      <Typography
        variant="subtitle1"
        component="figcaption"
        sx={{ fontWeight: 600 }}
      >
        {title}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {subtitle}
      </Typography>
      {children}
    </Paper>
  );
}
