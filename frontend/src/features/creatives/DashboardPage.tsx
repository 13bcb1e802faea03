import { Box, Skeleton, Stack } from "@mui/material";

import { AppHeader } from "../../components/AppHeader";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { UserMenu } from "../auth/UserMenu";
import { useCustomers } from "../customers/useCustomers";
import { DashboardView } from "./DashboardView";

/** The dashboard route: waits for the user's customers, then shows their creatives. */
export function DashboardPage() {
  const customers = useCustomers();

  if (customers.isSuccess && customers.data.length > 0) {
    return <DashboardView customers={customers.data} />;
  }

  let content;
  if (customers.isError) {
    content = (
      <ErrorState
        title="Could not load your customers"
        error={customers.error}
        onRetry={() => void customers.refetch()}
      />
    );
  } else if (customers.isSuccess) {
    content = (
      <EmptyState title="No customers yet">
        Your account does not have access to any customer. Ask an administrator
        to add you to one.
      </EmptyState>
    );
  } else {
    content = (
      <Stack spacing={2} aria-label="Loading dashboard">
        <Skeleton variant="rounded" height={72} />
        <Skeleton variant="rounded" height={480} />
      </Stack>
    );
  }

  return (
    <>
      <AppHeader actions={<UserMenu />} />
      <Box component="main" sx={{ p: 3 }}>
        {content}
      </Box>
    </>
  );
}
