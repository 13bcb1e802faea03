import UploadFileIcon from "@mui/icons-material/UploadFile";
import { Button } from "@mui/material";
import { lazy, Suspense, useState } from "react";

import { useAuth } from "../auth/useAuth";

// Loaded on the first click, so the dashboard bundle does not carry the form.
const ImportDialog = lazy(() =>
  import("./ImportDialog").then((module) => ({
    default: module.ImportDialog,
  })),
);

/** Opens the import dialog; rendered only for admins, who alone may import. */
export function ImportButton({ customer }: { customer: string }) {
  const { user } = useAuth();
  const [open, setOpen] = useState(false);
  const [used, setUsed] = useState(false);

  if (user?.role !== "admin") return null;

  return (
    <>
      <Button
        startIcon={<UploadFileIcon />}
        onClick={() => {
          setUsed(true);
          setOpen(true);
        }}
      >
        Import
      </Button>
      {used && (
        <Suspense fallback={null}>
          <ImportDialog
            customer={customer}
            open={open}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </>
  );
}
