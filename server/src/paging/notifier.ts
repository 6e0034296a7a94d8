// The notifier interface every page goes through, and the token under which the module provides the notifiers it ships.
import type { PageNotifierKind, PageRecipient } from '@pumpwatch/shared';
import type { PagedAlert, PageRecord } from './paging.repository';

export interface DeliveryOutcome {
  ok: boolean;
  /** Why it failed, for the page's record: never a secret, a body, or a contact number. */
  error?: string;
  /** false: trying again cannot help (no account to reach, endpoint disabled); the page fails at once. Default true. */
  retryable?: boolean;
}

export interface Notifier {
  readonly kind: Exclude<PageNotifierKind, 'none'>;
  /** Delivers one attempt of a page. Must not throw for a delivery failure: answer `{ok: false, error}`. */
  deliver(page: PageRecord, alert: PagedAlert, recipient: PageRecipient): Promise<DeliveryOutcome>;
}

export const NOTIFIERS = Symbol('PUMPWATCH_PAGING_NOTIFIERS');
