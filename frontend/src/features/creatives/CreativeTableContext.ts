import { createContext, useContext } from "react";

import type { CreativeRow } from "../../api/types";

/**
 * State the grid's toolbar and overlays read. It goes through a context, not
 * through `slotProps`, because the DataGrid does not re-render its toolbar
 * for every change of slot props, and a toolbar holding an old callback
 * would write old filters back into the URL.
 */
export interface CreativeTableState {
  search: string;
  onSearchChange: (search: string) => void;
  onExportCsv: () => void;
  selectedCount: number;
  onClearSelection: () => void;
  emptyTitle: string;
  emptyDetail: string;
  /** Opens the list of conversions behind a row. */
  onShowConversions: (row: CreativeRow) => void;
}

export const CreativeTableContext = createContext<CreativeTableState | null>(
  null,
);

export function useCreativeTableState(): CreativeTableState {
  const state = useContext(CreativeTableContext);
  if (state === null) {
    throw new Error("Grid slots must be rendered inside CreativeTable.");
  }
  return state;
}
