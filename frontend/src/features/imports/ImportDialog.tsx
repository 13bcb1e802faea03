import {
  Alert,
  AlertTitle,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  List,
  ListItem,
  MenuItem,
  Stack,
  TextField,
} from "@mui/material";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { useAuth } from "../auth/useAuth";
import { ImportSummaryView } from "./ImportSummaryView";
import {
  type ImportOptions,
  type ImportPlatform,
  ImportUploadError,
  uploadImport,
} from "./uploadImport";

export interface ImportDialogProps {
  customer: string;
  open: boolean;
  onClose: () => void;
}

const PLATFORMS: { value: ImportPlatform; label: string }[] = [
  { value: "meta", label: "Meta Ads export" },
  { value: "google-ads", label: "Google Ads report" },
  { value: "csv", label: "Other CSV (with column mapping)" },
];

// Queries that show imported spend, refetched after a successful import.
const REFRESHED_QUERIES = [
  "creative-metrics",
  "creative-daily",
  "filter-options",
];

/** Uploads an ad-platform export for the customer and shows the import summary. */
export function ImportDialog({ customer, open, onClose }: ImportDialogProps) {
  const { token } = useAuth();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [options, setOptions] = useState<ImportOptions>({
    platform: "meta",
    currency: "",
    locale: "",
    mapping: "",
  });

  const upload = useMutation({
    mutationFn: (chosen: File) =>
      uploadImport(customer, chosen, options, token),
    onSuccess: () =>
      Promise.all(
        REFRESHED_QUERIES.map((key) =>
          queryClient.invalidateQueries({ queryKey: [key] }),
        ),
      ),
  });

  const change = (patch: Partial<ImportOptions>) => {
    setOptions((current) => ({ ...current, ...patch }));
    upload.reset();
  };
  const close = () => {
    if (upload.isPending) return;
    upload.reset();
    setFile(null);
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="sm">
      <DialogTitle>Import ad data</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <TextField
            select
            label="File layout"
            value={options.platform}
            onChange={(event) =>
              change({ platform: event.target.value as ImportPlatform })
            }
          >
            {PLATFORMS.map((platform) => (
              <MenuItem key={platform.value} value={platform.value}>
                {platform.label}
              </MenuItem>
            ))}
          </TextField>
          {options.platform === "csv" && (
            <TextField
              label="Column mapping"
              required
              value={options.mapping}
              onChange={(event) => change({ mapping: event.target.value })}
              helperText="FIELD=COLUMN pairs, e.g. date=Day,ad_name=Ad,spend=Cost"
            />
          )}
          <Button variant="outlined" component="label">
            {file === null ? "Choose file (CSV or XLSX)" : file.name}
            <input
              hidden
              type="file"
              accept=".csv,.tsv,.txt,.xlsx"
              aria-label="Export file"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                upload.reset();
              }}
            />
          </Button>
          <Stack direction="row" spacing={2}>
            <TextField
              label="Currency"
              value={options.currency}
              onChange={(event) =>
                change({ currency: event.target.value.toUpperCase() })
              }
              helperText="ISO code when the file names none"
              slotProps={{ htmlInput: { maxLength: 3 } }}
            />
            <TextField
              select
              label="Number format"
              value={options.locale}
              onChange={(event) =>
                change({
                  locale: event.target.value as ImportOptions["locale"],
                })
              }
              sx={{ minWidth: 180 }}
            >
              <MenuItem value="">Detect</MenuItem>
              <MenuItem value="en">1,234.56</MenuItem>
              <MenuItem value="de">1.234,56</MenuItem>
            </TextField>
          </Stack>
          {upload.isPending && (
            <Stack spacing={1} role="status" aria-label="Uploading">
              <LinearProgress />
              Uploading and importing {file?.name}…
            </Stack>
          )}
          {upload.isSuccess && <ImportSummaryView summary={upload.data} />}
          {upload.isError && <UploadErrorAlert error={upload.error} />}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={upload.isPending}>
          {upload.isSuccess ? "Done" : "Cancel"}
        </Button>
        <Button
          variant="contained"
          disabled={
            file === null ||
            upload.isPending ||
            (options.platform === "csv" && options.mapping === "")
          }
          onClick={() => file !== null && upload.mutate(file)}
        >
          Import
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function UploadErrorAlert({ error }: { error: Error }) {
  const problems = error instanceof ImportUploadError ? error.problems : [];
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>Import failed</AlertTitle>
      {error.message}
      {problems.length > 1 && (
        <List dense aria-label="Problems">
          {problems.map((problem, index) => (
            <ListItem key={index} disableGutters>
              {problem.line === null || problem.line === undefined
                ? problem.message
                : `${problem.file ?? "file"}, line ${problem.line}: ${problem.message}`}
            </ListItem>
          ))}
        </List>
      )}
    </Alert>
  );
}
