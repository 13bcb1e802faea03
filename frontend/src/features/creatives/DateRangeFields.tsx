import { Stack } from "@mui/material";
import { AdapterDateFns } from "@mui/x-date-pickers/AdapterDateFns";
import { DatePicker } from "@mui/x-date-pickers/DatePicker";
import { LocalizationProvider } from "@mui/x-date-pickers/LocalizationProvider";
import { format } from "date-fns";
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

// Day, month name and year, which no reader can take for 03/04 as 3 April
// or 4 March.
const DISPLAY_FORMAT = "d MMM yyyy";

// Typing a date passes through other valid dates (the 1st, then the 15th),
// so a typed date applies once typing pauses. A day picked in the calendar
// applies at once.
const TYPING_DELAY_MS = 600;

/**
 * Formats the helper text for a date field whose typed value is outside
 * [min, max] or is not a date, in the format the field shows its dates.
 */
export function allowedRangeText(min: string, max: string): string {
  const first = parseIsoDate(min);
  const last = parseIsoDate(max);
  if (first === null || last === null) return "Pick a valid day.";
  return `Pick a day from ${format(first, DISPLAY_FORMAT)} to ${format(last, DISPLAY_FORMAT)}.`;
}

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
  // A typed day outside the range is not applied, so the field shows the range.
  const [startInvalid, setStartInvalid] = useState(false);
  const [endInvalid, setEndInvalid] = useState(false);
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

  function textField(helperText: string | undefined) {
    return {
      size: "small" as const,
      sx: { width: 180 },
      helperText,
    };
  }

  return (
    <LocalizationProvider dateAdapter={AdapterDateFns}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <DatePicker
          format={DISPLAY_FORMAT}
          slotProps={{
            textField: textField(
              startInvalid ? allowedRangeText(min, end) : undefined,
            ),
          }}
          onError={(reason) => setStartInvalid(reason !== null)}
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
          format={DISPLAY_FORMAT}
          slotProps={{
            textField: textField(
              endInvalid ? allowedRangeText(start, max) : undefined,
            ),
          }}
          onError={(reason) => setEndInvalid(reason !== null)}
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
