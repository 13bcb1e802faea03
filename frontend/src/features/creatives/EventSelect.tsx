import { FormControl, InputLabel, MenuItem, Select } from "@mui/material";

export interface EventSelectProps {
  events: string[];
  value: string;
  onChange: (event: string) => void;
}

export function EventSelect({ events, value, onChange }: EventSelectProps) {
  return (
    <FormControl size="small" sx={{ minWidth: 220 }}>
      <InputLabel id="event-select-label">Event</InputLabel>
      <Select
        labelId="event-select-label"
        id="event-select"
        label="Event"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        {events.map((name) => (
          <MenuItem key={name} value={name}>
            {name}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
