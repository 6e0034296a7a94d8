// Numbers of the paging engine: webhook retries and timeout, signature tolerance, acknowledge-link lifetime, each with its reason.

export interface WebhookRetryPolicy {
  /** Attempts in all, the first included; after the last one fails the page is recorded as failed. */
  maxAttempts: number;
  /** Wait after the first failed attempt; each later wait is `factor` times the one before, at most `maxDelaySeconds`. */
  firstDelaySeconds: number;
  factor: number;
  maxDelaySeconds: number;
}

export const PAGING_CONFIG = {
  // Four attempts 1, 2 and 4 minutes apart: an undeliverable page is known as failed 7 minutes after its first attempt, before
  // the default policy pages the next level at 10 minutes (PumpWatch default; issue 5 "retried with backoff").
  webhookRetry: { maxAttempts: 4, firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 600 } satisfies WebhookRetryPolicy,
  // A pager gateway answers in well under a second; 10 s bounds how long a dead endpoint holds up one delivery (PumpWatch default).
  webhookTimeoutMs: 10_000,
  // An attempt leases its page this long, so another instance retries it only when the one attempting died mid-request. Longer
  // than the webhook timeout, shorter than the first retry delay.
  deliveryLeaseSeconds: 30,
  // Receivers should refuse a signature whose timestamp is further than this from their clock (5 min, the usual tolerance of
  // signed webhooks such as Stripe's and Slack's): a captured request cannot be replayed later.
  signatureToleranceSeconds: 300,
  // A page sent at night can still be acknowledged from the link at the start of the morning; later pages bring fresh links
  // (PumpWatch default).
  acknowledgeLinkHours: 24,
} as const;
