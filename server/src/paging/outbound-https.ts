// One JSON POST to PagerDuty or Opsgenie over HTTPS (node:https, so the tests can trust their own certificate), with a timeout
// and no redirects; the answer's status and at most a few kilobytes of its body.
import https from 'node:https';

export interface OutboundResponse {
  status: number;
  body: string;
}

/** Enough of an answer to read PagerDuty's or Opsgenie's error message; the rest is dropped. */
const MAX_BODY = 4096;

export function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: { timeoutMs: number; ca: string | null },
): Promise<OutboundResponse> {
  const raw = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'https:') {
      reject(Object.assign(new Error('https:// only'), { code: 'ERR_NOT_HTTPS' }));
      return;
    }
    const request = https.request(
      target,
      {
        method: 'POST',
        timeout: options.timeoutMs,
        ...(options.ca ? { ca: options.ca } : {}),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(raw)),
          'user-agent': 'PumpWatch/1',
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < MAX_BODY) text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text.slice(0, MAX_BODY) }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    request.on('error', reject);
    request.end(raw);
  });
}

/** A failure as a page records it: the kind of error only (never the URL's query, a key or a body). */
export function describeOutboundFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e?.code === 'ERR_NOT_HTTPS') return 'the service URL is not https://';
  if (e?.code) return `connection failed (${e.code})`;
  return 'connection failed';
}

/** PagerDuty and Opsgenie: 429 and 5xx may pass; any other 4xx (bad key, refused payload) will not by trying again. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
