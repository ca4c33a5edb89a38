/** A Graph API error answer, as read from its body. */
export interface GraphError {
  readonly status: number;
  readonly code?: number;
  readonly subcode?: number;
  readonly message?: string;
}

/** The `error` object of a Graph answer, read defensively. */
export function readGraphError(status: number, body: unknown): GraphError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return { status };
  const e = error as Record<string, unknown>;
  return {
    status,
    ...(typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.error_subcode === 'number' ? { subcode: e.error_subcode } : {}),
    ...(typeof e.message === 'string' ? { message: e.message.slice(0, 300) } : {}),
  };
}

/** Removes a token from any text that might echo it (Graph messages never should, but an error must not leak one). */
export function redact(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('[token]');
}

/** "Graph error 10/2018278" or "HTTP 502": how an error names itself in a DeliveryError. */
export function graphErrorName(e: GraphError): string {
  return e.code !== undefined ? `Graph error ${e.code}${e.subcode !== undefined ? `/${e.subcode}` : ''}` : `HTTP ${e.status}`;
}
