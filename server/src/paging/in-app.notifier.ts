// In-app notifier: a page reaches its recipient's dashboard as the page.sent event, which the delivery records in the same
// transaction as the page's "sent" status (ordered, replayed to a dashboard that reconnects, never twice).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PageRecipient } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import type { DeliveryOutcome, Notifier } from './notifier';
import { PagedAlert, PageRecord, PagingRepository } from './paging.repository';

@Injectable()
export class InAppNotifier implements Notifier {
  readonly kind = 'in_app' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
  ) {}

  /** Only checks that the account can still see the clinic's dashboard; the event itself is the delivery. */
  async deliver(_page: PageRecord, alert: PagedAlert, recipient: PageRecipient): Promise<DeliveryOutcome> {
    if (!recipient.userId) return { ok: false, retryable: false, error: 'the recipient has no PumpWatch account' };
    if (!(await this.repository.userReachesClinic(this.dataSource.manager, recipient.userId, alert.clinicId))) {
      return { ok: false, retryable: false, error: "the recipient's account has no role in this clinic any more" };
    }
    return { ok: true };
  }
}
