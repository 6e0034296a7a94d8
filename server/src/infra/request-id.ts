// One id per HTTP request: honoured from a well-formed `x-request-id`, echoed in the answer, carried by log lines and audit rows.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A proxy's id is kept only when it cannot smuggle anything into a log line or a header (no spaces, quotes, newlines). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

interface RequestLike {
  id?: unknown;
  headers: IncomingHttpHeaders;
}

/** The request's id once assigned (every request through the app has one), null outside an HTTP request. */
export function requestIdOf(req: { id?: unknown } | null | undefined): string | null {
  const id = req?.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  return null;
}

/** Assigns the id once (the first caller wins) and echoes it, so the client can quote it when reporting a problem. */
export function ensureRequestId(req: RequestLike, res: Pick<ServerResponse, 'setHeader' | 'headersSent'>): string {
  const existing = requestIdOf(req);
  if (existing !== null) return existing;
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Express middleware placed first, so even answers the body parser gives (413, malformed JSON) carry the id. */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  ensureRequestId(req as IncomingMessage & RequestLike, res);
  next();
}
