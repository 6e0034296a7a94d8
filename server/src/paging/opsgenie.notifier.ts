// Opsgenie notifier (Alert API): a page creates an alert whose alias is the PumpWatch alert; the alert's acknowledgement and
// resolution in PumpWatch acknowledge and close it by that alias (NotificationIncidentsService).
import { Injectable } from '@nestjs/common';
import { externalAlertKey, opsgenieCreate } from '@pumpwatch/shared';
import type { OutboundPage } from '@pumpwatch/shared';
import { IncidentNotifier } from './incident-notifier';
import type { DeliveryOutcome } from './notifier';

@Injectable()
export class OpsgenieNotifier extends IncidentNotifier {
  readonly kind = 'opsgenie' as const;
  protected readonly serviceName = 'Opsgenie';
  protected readonly secretName = 'API key';

  protected trigger(apiKey: string, outbound: OutboundPage): Promise<DeliveryOutcome> {
    return this.post(this.settings.opsgenieAlertsUrl, this.auth(apiKey), opsgenieCreate(outbound));
  }

  /** Acknowledge or close the Opsgenie alert this channel created, by its alias. */
  followUp(apiKey: string, alertId: string, action: 'acknowledge' | 'resolve'): Promise<DeliveryOutcome> {
    const path = action === 'acknowledge' ? 'acknowledge' : 'close';
    const url = `${this.settings.opsgenieAlertsUrl}/${encodeURIComponent(externalAlertKey(alertId))}/${path}?identifierType=alias`;
    const note = action === 'acknowledge' ? 'Acknowledged in PumpWatch' : 'Resolved in PumpWatch';
    return this.post(url, this.auth(apiKey), { source: 'PumpWatch', note });
  }

  private auth(apiKey: string): Record<string, string> {
    return { authorization: `GenieKey ${apiKey}` };
  }
}
