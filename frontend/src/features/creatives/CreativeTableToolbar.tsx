import DownloadIcon from "@mui/icons-material/Download";
import SearchIcon from "@mui/icons-material/Search";
import ViewColumnIcon from "@mui/icons-material/ViewColumn";
import { Button, InputAdornment, TextField, Typography } from "@mui/material";
import { ColumnsPanelTrigger, Toolbar } from "@mui/x-data-grid";
import { useEffect, useState } from "react";

import { useDebouncedCallback } from "../../lib/useDebouncedCallback";
import { useCreativeTableState } from "./CreativeTableContext";

const SEARCH_DELAY_MS = 300;

/** Ad copy search, column chooser, CSV export and the selection count. */
export function CreativeTableToolbar() {
  const {
    search,
    onSearchChange,
    onExportCsv,
    selectedCount,
    onClearSelection,
  } = useCreativeTableState();
  const [text, setText] = useState(search);
  const commitSearch = useDebouncedCallback(onSearchChange, SEARCH_DELAY_MS);

  // Follows the URL when it changes from outside, e.g. "Restore filters".
  useEffect(() => setText(search), [search]);

  return (
    <Toolbar>
      <TextField
        size="small"
        label="Search ad copy"
        type="search"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          commitSearch(event.target.value.trim());
        }}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
        }}
        sx={{ width: 300, mr: "auto" }}
      />
      {selectedCount > 0 && (
        <Typography variant="body2" sx={{ mx: 1 }} role="status">
          {selectedCount} selected for the charts
          <Button size="small" onClick={onClearSelection} sx={{ ml: 1 }}>
            Clear
          </Button>
        </Typography>
      )}
      <ColumnsPanelTrigger startIcon={<ViewColumnIcon />}>
        Columns
      </ColumnsPanelTrigger>
      <Button startIcon={<DownloadIcon />} onClick={onExportCsv}>
        Export CSV
      </Button>
    </Toolbar>
  );
}
