import {
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Typography,
} from "@mui/material";

import type { Customer } from "../../api/types";

export interface CustomerSwitcherProps {
  customers: Customer[];
  value: string;
  onChange: (customerId: string) => void;
}

/** A select of customers, or the customer's name when there is only one. */
export function CustomerSwitcher({
  customers,
  value,
  onChange,
}: CustomerSwitcherProps) {
  if (customers.length <= 1) {
    return (
      <Typography variant="subtitle1" component="p" data-testid="customer-name">
        {customers[0]?.name ?? ""}
      </Typography>
    );
  }
  return (
    <FormControl size="small" sx={{ minWidth: 220 }}>
      <InputLabel id="customer-switcher-label">Customer</InputLabel>
      <Select
        labelId="customer-switcher-label"
        id="customer-switcher"
        label="Customer"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        {customers.map((customer) => (
          <MenuItem key={customer.id} value={customer.id}>
            {customer.name}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
