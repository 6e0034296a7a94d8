// PagerDuty notifier (Events API v2): a page triggers an event with one dedup_key per alert; the alert's acknowledgement and
// resolution in PumpWatch follow as acknowledge and resolve events with the same key (NotificationIncidentsService).
import { Injectable } from '@nestjs/common';
import { pagerDutyFollowUp, pagerDutyTrigger } from '@pumpwatch/shared';
import type { OutboundPage } from '@pumpwatch/shared';
import { IncidentNotifier } from './incident-notifier';
import type { DeliveryOutcome } from './notifier';

@Injectable()
export class PagerDutyNotifier extends IncidentNotifier {
  readonly kind = 'pagerduty' as const;
  protected readonly serviceName = 'PagerDuty';
  protected readonly secretName = 'routing key';

  protected trigger(routingKey: string, outbound: OutboundPage): Promise<DeliveryOutcome> {
    return this.post(this.settings.pagerDutyEventsUrl, {}, pagerDutyTrigger(routingKey, outbound));
  }

  /** The acknowledge or resolve event of an incident this channel triggered. */
  followUp(routingKey: string, alertId: string, action: 'acknowledge' | 'resolve'): Promise<DeliveryOutcome> {
    return this.post(this.settings.pagerDutyEventsUrl, {}, pagerDutyFollowUp(routingKey, alertId, action));
  }
}
