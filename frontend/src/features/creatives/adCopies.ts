import type { CreativeRow } from "../../api/types";

/**
 * Returns every copy of a creative. An ad without a copy row is a creative of
 * its own with no text, so it is named by its ad id.
 */
export function adCopies(row: CreativeRow): string[] {
  if (row.ad_copies.length > 0) return row.ad_copies;
  if (row.ad_copy !== null && row.ad_copy !== "") return [row.ad_copy];
  return [`No ad copy (ad ${row.ad_ids[0] ?? row.id})`];
}
