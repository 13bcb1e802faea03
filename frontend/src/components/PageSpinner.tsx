import { Box, CircularProgress } from "@mui/material";

export interface PageSpinnerProps {
  label: string;
}

export function PageSpinner({ label }: PageSpinnerProps) {
  return (
    <Box sx={{ display: "grid", placeItems: "center", minHeight: "50vh" }}>
      <CircularProgress aria-label={label} />
    </Box>
  );
}
