// What a webhook page signs and how the signature travels: the string both PumpWatch and a receiver feed to HMAC-SHA256.
import { PAGING_CONFIG } from './paging-config';

export const WEBHOOK_SIGNATURE_HEADER = 'x-pumpwatch-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-pumpwatch-timestamp';
/** The same for every attempt of a page: a receiver drops a retry of a page it already handled. */
export const WEBHOOK_PAGE_ID_HEADER = 'x-pumpwatch-page-id';
/**
 * Pages are delivered at least once (a server killed mid-POST sends the page again after its lease): the conventional
 * header a receiver deduplicates on, the page id, identical on every attempt of the same page.
 */
export const WEBHOOK_IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/**
 * `<unix seconds>.<raw body>`: the timestamp is inside the signed bytes, so a captured request cannot be replayed later with a
 * fresh timestamp; the raw body, not a re-serialisation, so both sides hash the same bytes.
 */
export function webhookSignedString(timestampSeconds: number, rawBody: string): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0)
    throw new RangeError(`timestamp must be whole Unix seconds, got ${timestampSeconds}`);
  return `${timestampSeconds}.${rawBody}`;
}

/** `sha256=<lower-case hex>` of the HMAC of webhookSignedString with the endpoint's secret. */
export function webhookSignatureHeaderValue(hexDigest: string): string {
  if (!/^[0-9a-f]{64}$/.test(hexDigest)) throw new RangeError('the digest must be 64 lower-case hex characters (SHA-256)');
  return `sha256=${hexDigest}`;
}

/** The hex digest of a signature header, or null when it is not `sha256=<64 hex>`. */
export function parseWebhookSignatureHeader(value: string | null | undefined): string | null {
  const match = /^sha256=([0-9a-f]{64})$/.exec((value ?? '').trim());
  return match ? match[1] : null;
}

/** What a receiver checks before the signature: the timestamp is whole seconds within the tolerance of its own clock. */
export function webhookTimestampFresh(
  timestampHeader: string | null | undefined,
  now: Date,
  toleranceSeconds: number = PAGING_CONFIG.signatureToleranceSeconds,
): boolean {
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader)) return false;
  return Math.abs(Number(timestampHeader) - Math.floor(now.getTime() / 1000)) <= toleranceSeconds;
}
