import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router-dom";

import { PageSpinner } from "./components/PageSpinner";
import { LoginPage } from "./features/auth/LoginPage";
import { RequireAuth } from "./features/auth/RequireAuth";

// The grid and the rest of the dashboard load after sign-in, which keeps the
// login page small.
const DashboardPage = lazy(() =>
  import("./features/creatives/DashboardPage").then((module) => ({
    default: module.DashboardPage,
  })),
);

export function App() {
  return (
    <Suspense fallback={<PageSpinner label="Loading page" />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/"
          element={
            <RequireAuth>
              <DashboardPage />
            </RequireAuth>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Suspense>
  );
}
