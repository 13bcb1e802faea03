import type { NoRowsOverlayPropsOverrides } from "@mui/x-data-grid";

import { EmptyState } from "../../components/EmptyState";

export type NoCreativesOverlayProps = NoRowsOverlayPropsOverrides;

/** Shown in the grid when the filters match no creative. */
export function NoCreativesOverlay({
  emptyTitle,
  emptyDetail,
}: NoCreativesOverlayProps) {
  return <EmptyState title={emptyTitle}>{emptyDetail}</EmptyState>;
}
