import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Testing Library unmounts automatically only when test globals are enabled.
afterEach(cleanup);

// The dashboard page loads its grid and charts lazily, which can take more
// than the default second when the test files run in parallel on a busy machine.
configure({ asyncUtilTimeout: 30_000 });
