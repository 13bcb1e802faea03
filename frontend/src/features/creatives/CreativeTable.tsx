import {
  DataGrid,
  gridSortedRowIdsSelector,
  gridSortModelSelector,
  gridVisibleColumnDefinitionsSelector,
  useGridApiRef,
  type GridPaginationModel,
  type GridRowSelectionModel,
  type GridSortModel,
} from "@mui/x-data-grid";
import { startTransition, useEffect, useMemo, useState } from "react";

import type { CreativeRow, MetricColumn, MetricTotals } from "../../api/types";
import { buildColumns, HIDDEN_BY_DEFAULT } from "./creativeColumns";
import {
  CreativeTableContext,
  type CreativeTableState,
} from "./CreativeTableContext";
import { CreativeTableToolbar } from "./CreativeTableToolbar";
import {
  buildCreativesCsv,
  csvFileName,
  downloadCsv,
  type CsvContext,
} from "./csv";
import { parseSort, serializeSort } from "./filters";
import { NoCreativesOverlay } from "./NoCreativesOverlay";

export interface CreativeTableProps {
  rows: CreativeRow[];
  apiColumns: MetricColumn[];
  currency: string;
  loading: boolean;
  sort: string;
  onSortChange: (sort: string) => void;
  search: string;
  onSearchChange: (search: string) => void;
  selectedIds: string[];
  onSelectionChange: (ids: string[]) => void;
  csvContext: CsvContext;
  /** The API's totals of the rows, written as the CSV's last line. */
  totals: MetricTotals | null;
  emptyTitle: string;
  emptyDetail: string;
  /** Null hides the "Show conversions" button, for events without a list. */
  onShowConversions: ((row: CreativeRow) => void) | null;
}

const PAGE_SIZES = [25, 50, 100];

function toSelectionModel(ids: string[]): GridRowSelectionModel {
  return { type: "include", ids: new Set(ids) };
}

// "Select all" arrives as an exclude list: every row except the ids given.
function selectedRowIds(
  model: GridRowSelectionModel,
  rows: CreativeRow[],
): string[] {
  if (model.type === "include") return [...model.ids].map(String);
  return rows.filter((row) => !model.ids.has(row.id)).map((row) => row.id);
}

/**
 * Renders the creatives grid. All rows are in the browser, so sorting and
 * paging are local and numeric. The parent mirrors the sort into the URL.
 */
export function CreativeTable(props: CreativeTableProps) {
  const { rows, apiColumns, currency, sort, onSortChange } = props;
  const apiRef = useGridApiRef();
  const columns = useMemo(
    () => buildColumns(apiColumns, currency),
    [apiColumns, currency],
  );
  const [pagination, setPagination] = useState<GridPaginationModel>({
    page: 0,
    pageSize: PAGE_SIZES[0]!,
  });

  // A new result set starts on its first page.
  useEffect(
    () =>
      setPagination((model) =>
        model.page === 0 ? model : { ...model, page: 0 },
      ),
    [rows],
  );

  const selectionModel = useMemo(
    () => toSelectionModel(props.selectedIds),
    [props.selectedIds],
  );

  const sortModel = useMemo<GridSortModel>(() => {
    const spec = parseSort(sort);
    if (spec === null || !columns.some((column) => column.field === spec.field))
      return [];
    return [{ field: spec.field, sort: spec.direction }];
  }, [sort, columns]);

  // The grid owns its sort, so a header click repaints at once and the URL
  // follows in a transition. A sort that comes from the URL (Restore
  // filters, the Back button) is pushed into the grid here.
  useEffect(() => {
    const current = gridSortModelSelector(apiRef);
    if (JSON.stringify(current) !== JSON.stringify(sortModel)) {
      apiRef.current?.setSortModel(sortModel);
    }
  }, [apiRef, sortModel]);

  function handleSortModelChange(model: GridSortModel) {
    const first = model[0];
    const spec =
      first?.sort != null
        ? { field: first.field, direction: first.sort }
        : null;
    startTransition(() => onSortChange(serializeSort(spec)));
  }

  function exportCsv() {
    const byId = new Map(rows.map((row) => [row.id, row]));
    const orderedRows = gridSortedRowIdsSelector(apiRef)
      .map((id) => byId.get(String(id)))
      .filter((row): row is CreativeRow => row !== undefined);
    const visibleColumns = gridVisibleColumnDefinitionsSelector(apiRef)
      .filter((column) => column.field !== "__check__")
      .map((column) => ({
        field: column.field,
        headerName: column.headerName ?? column.field,
      }));
    const text = buildCreativesCsv(
      props.csvContext,
      visibleColumns,
      orderedRows,
      props.totals,
    );
    downloadCsv(text, csvFileName(props.csvContext));
  }

  const tableState: CreativeTableState = {
    search: props.search,
    onSearchChange: props.onSearchChange,
    onExportCsv: exportCsv,
    selectedCount: props.selectedIds.length,
    onClearSelection: () => props.onSelectionChange([]),
    emptyTitle: props.emptyTitle,
    emptyDetail: props.emptyDetail,
    onShowConversions: props.onShowConversions,
  };

  return (
    <CreativeTableContext.Provider value={tableState}>
      <DataGrid
        apiRef={apiRef}
        aria-label="Creatives"
        rows={rows}
        columns={columns}
        loading={props.loading}
        sortingOrder={["desc", "asc"]}
        onSortModelChange={handleSortModelChange}
        paginationModel={pagination}
        onPaginationModelChange={setPagination}
        pageSizeOptions={PAGE_SIZES}
        initialState={{
          columns: { columnVisibilityModel: HIDDEN_BY_DEFAULT },
          sorting: { sortModel },
        }}
        checkboxSelection
        disableRowSelectionOnClick
        keepNonExistentRowsSelected={false}
        rowSelectionModel={selectionModel}
        onRowSelectionModelChange={(model) =>
          props.onSelectionChange(selectedRowIds(model, rows))
        }
        disableColumnFilter
        density="compact"
        showToolbar
        slots={{
          toolbar: CreativeTableToolbar,
          noRowsOverlay: NoCreativesOverlay,
        }}
        slotProps={{
          loadingOverlay: { variant: "skeleton", noRowsVariant: "skeleton" },
        }}
        sx={{ border: 0 }}
      />
    </CreativeTableContext.Provider>
  );
}
