// When a webhook page is tried again after a failed attempt, or that it has failed for good (exponential backoff).
import { PAGING_CONFIG, WebhookRetryPolicy } from './paging-config';

/**
 * After `attemptsMade` attempts, the last of which failed at `failedAt`: when the next attempt is due, or null when none is left
 * and the page is to be recorded as failed. Attempt n + 1 waits firstDelay x factor^(n - 1), capped.
 */
export function nextPageAttemptAt(
  attemptsMade: number,
  failedAt: Date,
  policy: WebhookRetryPolicy = PAGING_CONFIG.webhookRetry,
): Date | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1)
    throw new RangeError(`attemptsMade must be a whole number 1 or more, got ${attemptsMade}`);
  if (attemptsMade >= policy.maxAttempts) return null;
  const delaySeconds = Math.min(policy.firstDelaySeconds * policy.factor ** (attemptsMade - 1), policy.maxDelaySeconds);
  return new Date(failedAt.getTime() + delaySeconds * 1000);
}
