import { EmptyState } from "../../components/EmptyState";
import { useCreativeTableState } from "./CreativeTableContext";

/** Shown in the grid when the filters match no creative. */
export function NoCreativesOverlay() {
  const { emptyTitle, emptyDetail } = useCreativeTableState();
  return <EmptyState title={emptyTitle}>{emptyDetail}</EmptyState>;
}
