// The event under which imported ad-platform exports appear. Its conversions and
// revenue are what the platform reports, with the platform's own attribution, so
// the pixel's attribution windows do not apply to it.
export const PLATFORM_EVENT = "platform_conversion";

/** Short name of the platform's attribution, for the CSV heading and file name. */
export const PLATFORM_ATTRIBUTION_LABEL = "Ad platform's own attribution";

export const PLATFORM_ATTRIBUTION_NOTE =
  "The ad platform applies its own attribution to these figures, so the window does not change them.";

export function isPlatformEvent(event: string): boolean {
  return event === PLATFORM_EVENT;
}

/** Returns the name of the revenue figure of `event` in the totals. */
export function revenueLabel(event: string): string {
  return isPlatformEvent(event) ? "Platform revenue" : "Revenue";
}

/** Returns the name of the revenue line of `event` in the daily chart. */
export function chartRevenueLabel(event: string): string {
  return isPlatformEvent(event) ? "Platform revenue" : "Attributed revenue";
}
