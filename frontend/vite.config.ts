import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The FastAPI backend serves the API under /api. In development Vite
// forwards those requests, so the app and the API share one origin as they
// do in production.
const apiTarget = process.env.CREATIVES_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    // The dashboard page test loads the grid and charts on a 2-core machine.
    testTimeout: 60_000,
    // Date tests run once per time zone: one east and one west of UTC, both
    // with daylight saving time, so a day shifted by UTC conversion shows up.
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.{ts,tsx}"],
          exclude: ["src/**/*.tz.test.ts"],
        },
      },
      ...["Europe/Berlin", "America/New_York"].map((timeZone) => ({
        extends: true as const,
        test: {
          name: `tz ${timeZone}`,
          include: ["src/**/*.tz.test.ts"],
          env: { TZ: timeZone, EXPECTED_TZ: timeZone },
        },
      })),
    ],
  },
});
