import { ApiError, NETWORK_ERROR, readError } from "../../api/client";
import type { ImportForm, ImportProblem, ImportSummary } from "../../api/types";

export type ImportPlatform = ImportForm["platform"];

/** The form fields the dialog sends besides the file; empty strings are left out. */
export interface ImportOptions {
  platform: ImportPlatform;
  currency: string;
  locale: "" | "en" | "de";
  mapping: string;
}

/** A rejected upload, with the file position of each problem the API listed. */
export class ImportUploadError extends ApiError {
  readonly problems: ImportProblem[];

  constructor(error: ApiError, problems: ImportProblem[]) {
    super(
      error.status,
      error.code,
      error.message,
      error.requestId,
      error.fields,
    );
    this.name = "ImportUploadError";
    this.problems = problems;
  }
}

export const importPath = (customer: string) =>
  `/api/customer/${encodeURIComponent(customer)}/imports`;

function formData(file: File, options: ImportOptions): FormData {
  const form = new FormData();
  form.append("file", file);
  form.append("platform", options.platform);
  if (options.currency !== "") form.append("currency", options.currency);
  if (options.locale !== "") form.append("locale", options.locale);
  if (options.platform === "csv" && options.mapping !== "") {
    form.append("mapping", options.mapping);
  }
  return form;
}

function problemsOf(body: unknown): ImportProblem[] {
  const fields = (body as { error?: { fields?: unknown } } | null)?.error
    ?.fields;
  return Array.isArray(fields) ? (fields as ImportProblem[]) : [];
}

/** Posts the file as multipart/form-data and returns the import summary. */
export async function uploadImport(
  customer: string,
  file: File,
  options: ImportOptions,
  token: string | null,
): Promise<ImportSummary> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(importPath(customer), {
      method: "POST",
      headers,
      body: formData(file, options),
    });
  } catch {
    throw new ApiError(
      0,
      NETWORK_ERROR,
      "The upload did not reach the server. Check your connection and try again.",
    );
  }

  if (!response.ok) {
    // The body is read twice: once for the shared message, once for the positions.
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => null);
    throw new ImportUploadError(await readError(response), problemsOf(body));
  }
  return (await response.json()) as ImportSummary;
}
