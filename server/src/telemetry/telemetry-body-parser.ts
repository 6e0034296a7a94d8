// JSON body of POST /api/telemetry with its own size limit: a full batch of 10,000 readings is larger than the API's default limit.
import type { NextFunction, Request, Response } from 'express';

export const TELEMETRY_PATH = '/api/telemetry';

/** 10,000 readings with every field, long serial numbers and every alarm code stay under 5 MB; 8 MB leaves room. */
export const TELEMETRY_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** Shaped like the body parser's errors (http-errors), so the API's exception filter answers them the same way. */
function bodyError(status: number, type: string, message: string, limit?: number): Error {
  return Object.assign(new Error(message), { status, expose: true, type, ...(limit !== undefined ? { limit } : {}) });
}

/**
 * Reads and parses the JSON body of POST /api/telemetry up to `limitBytes`, before the general body parser (which then leaves the
 * request alone). Other requests, and bodies that are not JSON, go on to the general parser and its rules.
 */
export function telemetryBodyParser(limitBytes: number = TELEMETRY_BODY_LIMIT_BYTES) {
  return (req: Request & { _body?: boolean }, _res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || req.path !== TELEMETRY_PATH || !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      return next();
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return next(bodyError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`));
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes)
      return next(bodyError(413, 'entity.too.large', 'request entity too large', limitBytes));

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      if (error) {
        // Drain what is left so the client reads the answer instead of a reset connection.
        req.resume();
        return next(error);
      }
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) return finish(bodyError(413, 'entity.too.large', 'request entity too large', limitBytes));
      chunks.push(chunk);
    };
    const onEnd = () => {
      const text = Buffer.concat(chunks, size).toString('utf8');
      try {
        req.body = text.length === 0 ? {} : JSON.parse(text);
      } catch (error) {
        return finish(bodyError(400, 'entity.parse.failed', (error as Error).message));
      }
      // The general body parser skips a request whose body is already read.
      req._body = true;
      finish();
    };
    const onError = (error: Error) => finish(bodyError(400, 'request.aborted', error.message));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  };
}
