import {
  Stack,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from "@mui/material";
import { useId } from "react";

import { attributionLabel } from "./filters";

export interface AttributionToggleProps {
  windows: string[];
  value: string;
  onChange: (window: string) => void;
  /** When set, the buttons are disabled and this text explains why. */
  disabledReason?: string;
}

const SESSION_WINDOW = "session";

/** Renders one button per attribution window the API offers. */
export function AttributionToggle({
  windows,
  value,
  onChange,
  disabledReason,
}: AttributionToggleProps) {
  const reasonId = useId();
  const disabled = disabledReason !== undefined;
  const group = (
    <ToggleButtonGroup
      exclusive
      size="small"
      color="primary"
      value={value}
      disabled={disabled}
      aria-label="Attribution window"
      aria-describedby={disabled ? reasonId : undefined}
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
  if (!disabled) return group;
  // A tooltip does not open on disabled buttons, so the reason is shown as text.
  return (
    <Stack spacing={0.5} sx={{ maxWidth: 360 }}>
      {group}
      <Typography id={reasonId} variant="caption" color="text.secondary">
        {disabledReason}
      </Typography>
    </Stack>
  );
}
