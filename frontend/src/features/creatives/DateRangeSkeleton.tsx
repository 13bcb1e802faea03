import { Skeleton, Stack } from "@mui/material";

/** Holds the place of the date pickers while their code loads. */
export function DateRangeSkeleton() {
  return (
    <Stack
      direction="row"
      spacing={1}
      role="status"
      aria-label="Loading date pickers"
    >
      <Skeleton variant="rounded" width={180} height={40} />
      <Skeleton variant="rounded" width={180} height={40} />
    </Stack>
  );
}
