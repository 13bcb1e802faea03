import { formatDisplayDate } from "../../lib/dates";
import { attributionLabel, type DashboardFilters } from "./filters";

/** Words the empty table so the analyst sees which event and dates matched nothing. */
export function emptyMessage(filters: DashboardFilters): {
  title: string;
  detail: string;
} {
  const period = `between ${formatDisplayDate(filters.start)} and ${formatDisplayDate(filters.end)}`;
  const window = attributionLabel(filters.attribution);
  if (filters.search !== "") {
    return {
      title: `No ad copy contains "${filters.search}"`,
      detail: `No creative with that text had spend or ${filters.event} events ${period} (attribution window: ${window}).`,
    };
  }
  return {
    title: `No creatives for ${filters.event}`,
    detail: `No creative had spend or ${filters.event} events ${period} (attribution window: ${window}).`,
  };
}
