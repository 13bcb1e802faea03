import type { ApiErrorBody } from "./types";

/** Codes the client uses for failures that carry no API error body. */
export const NETWORK_ERROR = "network_error";
export const SERVER_UNAVAILABLE = "server_unavailable";
export const UNEXPECTED_RESPONSE = "unexpected_response";

/**
 * A failed API call. `status` is 0 when no HTTP response arrived at all;
 * `message` is the server's `error.message` whenever it sent one, and
 * `hasServerMessage` is true exactly then.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly fields: { field: string; message: string }[];
  readonly hasServerMessage: boolean;

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null = null,
    fields: { field: string; message: string }[] = [],
    hasServerMessage = false,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.fields = fields;
    this.hasServerMessage = hasServerMessage;
  }

  /**
   * True when the server could not be reached or reported itself down, a 503
   * `database_unavailable` included, so one more try may succeed.
   */
  get isUnavailable(): boolean {
    return this.status === 0 || [502, 503, 504].includes(this.status);
  }

  /**
   * True when no response came from the Creatives server itself: the request
   * failed, or a proxy sent a 502/503/504 without the API's error body.
   */
  get isUnanswered(): boolean {
    return !this.hasServerMessage && this.isUnavailable;
  }
}

export type QueryValue = string | number | readonly string[] | null | undefined;

export interface RequestOptions {
  method?: "GET" | "POST";
  query?: Record<string, QueryValue>;
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

type UnauthorizedHandler = (error: ApiError) => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/**
 * Registers the callback for a 401 on an authenticated call, which means the
 * token expired or was revoked. Returns a function that removes it.
 */
export function onUnauthorized(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null;
  };
}

/** Builds a query string; arrays repeat the key (`creative_id=a&creative_id=b`). */
export function buildQuery(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(key, item);
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** Sends one request to the API and returns its JSON body. */
export async function apiRequest<T>(
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await send(path, options);
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && options.token) unauthorizedHandler?.(error);
    throw error;
  }
  return (await response.json()) as T;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";

  try {
    return await fetch(`${path}${buildQuery(options.query)}`, {
      method: options.method ?? "GET",
      headers,
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError")
      throw cause;
    throw new ApiError(
      0,
      NETWORK_ERROR,
      "The server did not answer. Check your connection and try again.",
    );
  }
}

/** Converts a failed response into an ApiError, with the server's message when sent. */
export async function readError(response: Response): Promise<ApiError> {
  const requestId = response.headers.get("X-Request-ID");
  const body = await response.json().catch(() => null);

  if (isErrorBody(body)) {
    const { code, message, fields = [] } = body.error;
    return new ApiError(
      response.status,
      code,
      message,
      requestId,
      fields,
      true,
    );
  }
  if ([502, 503, 504].includes(response.status)) {
    return new ApiError(
      response.status,
      SERVER_UNAVAILABLE,
      `The server is unavailable (HTTP ${response.status}). Try again in a moment.`,
      requestId,
    );
  }
  return new ApiError(
    response.status,
    UNEXPECTED_RESPONSE,
    `The server returned HTTP ${response.status} without an error message.`,
    requestId,
  );
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== "object" || body === null || !("error" in body)) {
    return false;
  }
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string" &&
    typeof (error as { code?: unknown }).code === "string"
  );
}
