import { ToggleButton, ToggleButtonGroup, Tooltip } from "@mui/material";

import { attributionLabel } from "./filters";

export interface AttributionToggleProps {
  windows: string[];
  value: string;
  onChange: (window: string) => void;
}

const SESSION_WINDOW = "session";

/** One button per attribution window the API offers. */
export function AttributionToggle({
  windows,
  value,
  onChange,
}: AttributionToggleProps) {
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      color="primary"
      value={value}
      aria-label="Attribution window"
      onChange={(_, next: string | null) => {
        if (next !== null) onChange(next);
      }}
    >
      {windows.map((window) =>
        window === SESSION_WINDOW ? (
          <Tooltip
            key={window}
            title="Events in the same session as the ad visit, with no attribution window applied."
          >
            <ToggleButton
              value={window}
              aria-label="Same session, not attributed"
            >
              {attributionLabel(window)} · not attributed
            </ToggleButton>
          </Tooltip>
        ) : (
          <ToggleButton key={window} value={window}>
            {attributionLabel(window)}
          </ToggleButton>
        ),
      )}
    </ToggleButtonGroup>
  );
}
