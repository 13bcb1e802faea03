import {
  Alert,
  Box,
  LinearProgress,
  Paper,
  Skeleton,
  Stack,
  Typography,
} from "@mui/material";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";

import type { CreativeRow, Customer } from "../../api/types";
import { AppHeader } from "../../components/AppHeader";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { noConversionListReason } from "../attribution/conversionRows";
import { UnattributedSummary } from "../attribution/UnattributedSummary";
import { UserMenu } from "../auth/UserMenu";
import { CustomerSwitcher } from "../customers/CustomerSwitcher";
import { ImportButton } from "../imports/ImportButton";
import { CreativeTable } from "./CreativeTable";
import { emptyMessage } from "./emptyMessage";
import { FilterBar } from "./FilterBar";
import { attributionLabel, type PeriodFilters } from "./filters";
import { isPlatformEvent, PLATFORM_ATTRIBUTION_LABEL } from "./platformEvent";
import { TotalsBar } from "./TotalsBar";
import { useCreativeMetrics } from "./useCreativeMetrics";
import { useDashboardFilters } from "./useDashboardFilters";

// Loaded on the first "Show conversions" click and kept, so the drawer can
// slide out again when it closes.
const ConversionsDrawer = lazy(() =>
  import("../attribution/ConversionsDrawer").then((module) => ({
    default: module.ConversionsDrawer,
  })),
);

const ChartsPanel = lazy(() =>
  import("./ChartsPanel").then((module) => ({ default: module.ChartsPanel })),
);

export interface DashboardViewProps {
  customers: Customer[];
}

// The daily route takes creative ids in its query string. Beyond this many
// ids the URL gets too long, so the chart falls back to all creatives.
const MAX_CHART_CREATIVES = 200;
const NO_SELECTION: string[] = [];

export function DashboardView({ customers }: DashboardViewProps) {
  const dashboard = useDashboardFilters(customers);
  const { filters, options, ready, customer } = dashboard;
  const metrics = useCreativeMetrics(filters);
  const [selectedIds, setSelectedIds] = useState<string[]>([]);
  const [conversionsId, setConversionsId] = useState<string | null>(null);
  const [conversionsUsed, setConversionsUsed] = useState(false);

  const rows = useMemo(() => metrics.data?.rows ?? [], [metrics.data]);
  // The drawer shows the row's figures of the current filters, so it follows
  // the row by id and closes when new filters drop the row.
  const conversionsRow =
    conversionsId === null
      ? null
      : (rows.find((row) => row.id === conversionsId) ?? null);
  const currency =
    metrics.data?.currency ??
    options.data?.currency ??
    customer?.currency ??
    "USD";
  const timeZone = options.data?.time_zone ?? customer?.time_zone ?? "UTC";

  // A selection only makes sense for the rows it was made on.
  useEffect(
    () => setSelectedIds((ids) => (ids.length === 0 ? ids : NO_SELECTION)),
    [metrics.data],
  );

  const empty = filters !== null ? emptyMessage(filters) : null;
  const chartIds =
    selectedIds.length === rows.length ||
    selectedIds.length > MAX_CHART_CREATIVES
      ? NO_SELECTION
      : selectedIds;

  const {
    customer: customerId,
    event,
    start,
    end,
    attribution,
  } = filters ?? {};
  const period = useMemo<PeriodFilters | null>(
    () =>
      customerId !== undefined &&
      event !== undefined &&
      start !== undefined &&
      end !== undefined &&
      attribution !== undefined
        ? { customer: customerId, event, start, end, attribution }
        : null,
    [customerId, event, start, end, attribution],
  );

  const header = (
    <AppHeader
      actions={
        <>
          {customer !== undefined && <ImportButton customer={customer.id} />}
          {customer !== undefined && (
            <CustomerSwitcher
              customers={customers}
              value={customer.id}
              onChange={dashboard.switchCustomer}
            />
          )}
          <UserMenu />
        </>
      }
    />
  );

  return (
    <>
      {header}
      <Box
        component="main"
        sx={{ p: { xs: 2, md: 3 }, maxWidth: 1600, mx: "auto", minWidth: 0 }}
      >
        <Stack spacing={2}>
          <Typography variant="h1">Dashboard</Typography>

          {dashboard.adjustments.length > 0 && (
            <Alert severity="info" onClose={dashboard.dismissAdjustments}>
              This link had filters that do not apply:{" "}
              {dashboard.adjustments.join(" ")} The view shows the nearest valid
              filters.
            </Alert>
          )}

          {options.isError ? (
            <ErrorState
              title="Could not load the filters"
              error={options.error}
              onRetry={() => void options.refetch()}
            />
          ) : dashboard.noData ? (
            <EmptyState
              title={`No data for ${customer?.name ?? "this customer"} yet`}
            >
              No events or ad spend have been loaded for this customer. An admin
              can upload an ad-platform export with the Import button above (or
              run `creatives import` on the server), or choose another customer.
            </EmptyState>
          ) : period !== null && ready !== null ? (
            <FilterBar
              options={ready}
              filters={period}
              onChange={dashboard.update}
              onRestore={dashboard.restore}
            />
          ) : (
            <Skeleton
              variant="rounded"
              height={72}
              aria-label="Loading filters"
            />
          )}

          {dashboard.noData ? null : metrics.isError ? (
            <ErrorState
              title="Could not load the creatives"
              error={metrics.error}
              onRetry={() => void metrics.refetch()}
            />
          ) : (
            <Paper sx={{ overflow: "hidden" }}>
              {metrics.data !== undefined ? (
                <>
                  <TotalsBar
                    totals={metrics.data.totals}
                    currency={currency}
                    rowCount={metrics.data.row_count}
                    event={metrics.data.event}
                    showPlatformRoas={metrics.data.columns.some(
                      (column) => column.field === "platform_roas",
                    )}
                  />
                  <UnattributedSummary
                    unattributed={metrics.data.unattributed}
                    totals={metrics.data.totals}
                    currency={currency}
                    event={metrics.data.event}
                    start={metrics.data.start_date}
                    end={metrics.data.end_date}
                    attribution={metrics.data.attribution}
                    attributionLabel={metrics.data.attribution_label}
                    searchActive={filters?.search !== ""}
                  />
                </>
              ) : (
                <Skeleton
                  variant="rectangular"
                  height={58}
                  aria-label="Loading totals"
                />
              )}
              <Box sx={{ height: 4 }}>
                {metrics.isFetching && metrics.data !== undefined && (
                  <LinearProgress aria-label="Updating creatives" />
                )}
              </Box>
              <Box sx={{ height: "max(480px, 70vh)" }}>
                {filters !== null && customer !== undefined ? (
                  <CreativeTable
                    rows={rows}
                    apiColumns={metrics.data?.columns ?? []}
                    currency={currency}
                    loading={metrics.isPending}
                    sort={filters.sort}
                    onSortChange={(sort) =>
                      dashboard.update({ sort }, "replace")
                    }
                    search={filters.search}
                    onSearchChange={(search) =>
                      dashboard.update({ search }, "replace")
                    }
                    selectedIds={selectedIds}
                    onSelectionChange={setSelectedIds}
                    csvContext={{
                      customerName: customer.name,
                      customerId: customer.id,
                      event: filters.event,
                      start: filters.start,
                      end: filters.end,
                      attribution: isPlatformEvent(filters.event)
                        ? PLATFORM_ATTRIBUTION_LABEL
                        : `${attributionLabel(filters.attribution)} (${filters.attribution})`,
                      attributionCode: isPlatformEvent(filters.event)
                        ? "platform"
                        : filters.attribution,
                      search: filters.search,
                      currency,
                    }}
                    totals={metrics.data?.totals ?? null}
                    emptyTitle={empty?.title ?? ""}
                    emptyDetail={empty?.detail ?? ""}
                    onShowConversions={
                      noConversionListReason(filters.event) === null
                        ? (row: CreativeRow) => {
                            setConversionsUsed(true);
                            setConversionsId(row.id);
                          }
                        : null
                    }
                  />
                ) : (
                  <Skeleton
                    variant="rectangular"
                    height="100%"
                    aria-label="Loading creatives"
                  />
                )}
              </Box>
            </Paper>
          )}

          {period !== null && conversionsUsed && (
            <Suspense
              fallback={
                <LinearProgress
                  aria-label="Loading conversions"
                  sx={{ position: "fixed", top: 0, left: 0, right: 0 }}
                />
              }
            >
              <ConversionsDrawer
                row={conversionsRow}
                filters={period}
                currency={currency}
                timeZone={timeZone}
                onClose={() => setConversionsId(null)}
              />
            </Suspense>
          )}

          {period !== null && metrics.data !== undefined && (
            <Suspense
              fallback={
                <Skeleton
                  variant="rounded"
                  height={380}
                  aria-label="Loading charts"
                />
              }
            >
              <ChartsPanel
                filters={period}
                rows={rows}
                selectedIds={chartIds}
                currency={currency}
              />
            </Suspense>
          )}
        </Stack>
      </Box>
    </>
  );
}
