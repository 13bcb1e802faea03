import { Stack } from "@mui/material";
import { AdapterDateFns } from "@mui/x-date-pickers/AdapterDateFns";
import { DatePicker } from "@mui/x-date-pickers/DatePicker";
import { LocalizationProvider } from "@mui/x-date-pickers/LocalizationProvider";
import { useEffect, useMemo, useState } from "react";

import type { DateRange } from "../../api/types";
import { parseIsoDate, toIsoDate } from "../../lib/dates";
import { useDebouncedCallback } from "../../lib/useDebouncedCallback";

export interface DateRangeFieldsProps {
  start: string;
  end: string;
  /** The days the API has data for; the pickers allow nothing outside. */
  bounds: DateRange;
  onChange: (patch: { start?: string; end?: string }) => void;
}

// Day, month name and year read the same way in every locale.
const DISPLAY_FORMAT = "d MMM yyyy";

// Typing a date passes through valid dates (the 1st, then the 15th), so typed
// dates are applied once typing pauses; a day picked in the calendar applies
// at once.
const TYPING_DELAY_MS = 600;

function validDay(date: Date | null, min: string, max: string): string | null {
  if (date === null || Number.isNaN(date.getTime())) return null;
  const day = toIsoDate(date);
  return day >= min && day <= max ? day : null;
}

/**
 * Start and end date pickers, loaded on demand because the pickers are large.
 * The start cannot pass the end, nor the end precede the start.
 */
export function DateRangeFields({
  start,
  end,
  bounds,
  onChange,
}: DateRangeFieldsProps) {
  const { start_date: min, end_date: max } = bounds;
  const [startValue, setStartValue] = useState(() => parseIsoDate(start));
  const [endValue, setEndValue] = useState(() => parseIsoDate(end));
  const commitStartLater = useDebouncedCallback(onChange, TYPING_DELAY_MS);
  const commitEndLater = useDebouncedCallback(onChange, TYPING_DELAY_MS);

  // Stable Date objects, so the pickers do not validate again on every render.
  const minDate = useMemo(() => parseIsoDate(min) ?? undefined, [min]);
  const maxDate = useMemo(() => parseIsoDate(max) ?? undefined, [max]);
  const startDate = useMemo(() => parseIsoDate(start) ?? undefined, [start]);
  const endDate = useMemo(() => parseIsoDate(end) ?? undefined, [end]);

  useEffect(() => setStartValue(parseIsoDate(start)), [start]);
  useEffect(() => setEndValue(parseIsoDate(end)), [end]);

  function startPatch(date: Date | null) {
    const day = validDay(date, min, end);
    return day !== null && day !== start ? { start: day } : null;
  }

  function endPatch(date: Date | null) {
    const day = validDay(date, start, max);
    return day !== null && day !== end ? { end: day } : null;
  }

  const shared = {
    format: DISPLAY_FORMAT,
    slotProps: { textField: { size: "small" as const, sx: { width: 180 } } },
  };

  return (
    <LocalizationProvider dateAdapter={AdapterDateFns}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <DatePicker
          {...shared}
          label="Start date"
          value={startValue}
          minDate={minDate}
          maxDate={endDate}
          onChange={(date) => {
            setStartValue(date);
            const patch = startPatch(date);
            if (patch !== null) commitStartLater(patch);
          }}
          onAccept={(date) => {
            const patch = startPatch(date);
            if (patch !== null) onChange(patch);
          }}
        />
        <DatePicker
          {...shared}
          label="End date"
          value={endValue}
          minDate={startDate}
          maxDate={maxDate}
          onChange={(date) => {
            setEndValue(date);
            const patch = endPatch(date);
            if (patch !== null) commitEndLater(patch);
          }}
          onAccept={(date) => {
            const patch = endPatch(date);
            if (patch !== null) onChange(patch);
          }}
        />
      </Stack>
    </LocalizationProvider>
  );
}
