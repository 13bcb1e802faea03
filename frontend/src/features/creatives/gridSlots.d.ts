import "@mui/x-data-grid";

// Props this app passes to its own grid slot components.
declare module "@mui/x-data-grid" {
  interface ToolbarPropsOverrides {
    search: string;
    onSearchChange: (search: string) => void;
    onExportCsv: () => void;
    selectedCount: number;
    onClearSelection: () => void;
  }
  interface NoRowsOverlayPropsOverrides {
    emptyTitle: string;
    emptyDetail: string;
  }
}
