import { createTheme } from "@mui/material/styles";

/** The app's one theme; components use its tokens and keep `sx` for one-offs. */
export const theme = createTheme({
  palette: {
    mode: "light",
    primary: { main: "#2e7d32" },
    secondary: { main: "#0277bd" },
    background: { default: "#f6f7f9" },
  },
  shape: { borderRadius: 8 },
  typography: {
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    h1: { fontSize: "1.75rem", fontWeight: 700 },
  },
  components: {
    MuiButton: {
      defaultProps: { disableElevation: true },
      styleOverrides: { root: { textTransform: "none" } },
    },
    MuiToggleButton: { styleOverrides: { root: { textTransform: "none" } } },
    MuiPaper: {
      defaultProps: { elevation: 0 },
      styleOverrides: { root: { border: "1px solid #e3e6ea" } },
    },
    MuiAppBar: { styleOverrides: { root: { border: 0 } } },
  },
});
