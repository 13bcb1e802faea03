import { Stack } from "@mui/material";
import { AdapterDateFns } from "@mui/x-date-pickers/AdapterDateFns";
import { DatePicker } from "@mui/x-date-pickers/DatePicker";
import { LocalizationProvider } from "@mui/x-date-pickers/LocalizationProvider";
import { useEffect, useState } from "react";

import type { DateRange } from "../../api/types";
import { parseIsoDate, toIsoDate } from "../../lib/dates";

export interface DateRangeFieldsProps {
  start: string;
  end: string;
  /** The days the API has data for; the pickers allow nothing outside. */
  bounds: DateRange;
  onChange: (range: { start: string; end: string }) => void;
}

// Day, month name and year read the same way in every locale.
const DISPLAY_FORMAT = "d MMM yyyy";

function validDay(date: Date | null, min: string, max: string): string | null {
  if (date === null || Number.isNaN(date.getTime())) return null;
  const day = toIsoDate(date);
  return day >= min && day <= max ? day : null;
}

/** Start and end date pickers; loaded on demand because the pickers are large. */
export function DateRangeFields({
  start,
  end,
  bounds,
  onChange,
}: DateRangeFieldsProps) {
  const { start_date: min, end_date: max } = bounds;
  const [startValue, setStartValue] = useState(() => parseIsoDate(start));
  const [endValue, setEndValue] = useState(() => parseIsoDate(end));

  useEffect(() => setStartValue(parseIsoDate(start)), [start]);
  useEffect(() => setEndValue(parseIsoDate(end)), [end]);

  function changeStart(date: Date | null) {
    setStartValue(date);
    const day = validDay(date, min, max);
    if (day === null || day === start) return;
    onChange({ start: day, end: day > end ? day : end });
  }

  function changeEnd(date: Date | null) {
    setEndValue(date);
    const day = validDay(date, min, max);
    if (day === null || day === end) return;
    onChange({ start: day < start ? day : start, end: day });
  }

  const pickerProps = {
    format: DISPLAY_FORMAT,
    minDate: parseIsoDate(min) ?? undefined,
    maxDate: parseIsoDate(max) ?? undefined,
    slotProps: { textField: { size: "small" as const, sx: { width: 180 } } },
  };

  return (
    <LocalizationProvider dateAdapter={AdapterDateFns}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <DatePicker
          label="Start date"
          value={startValue}
          onChange={changeStart}
          {...pickerProps}
        />
        <DatePicker
          label="End date"
          value={endValue}
          onChange={changeEnd}
          {...pickerProps}
        />
      </Stack>
    </LocalizationProvider>
  );
}
