// Paging feature: escalation of unacknowledged alerts (minute sweep), the in-app, webhook, e-mail, PagerDuty and Opsgenie notifiers,
// webhook endpoints and notification channels, pages and acknowledge links. Listed before AlertsModule in AppModule: its GET
// /api/alerts/acknowledge-link must be routed before the alerts' GET /api/alerts/:id.
import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { OnCallModule } from '../on-call/on-call.module';
import { AcknowledgeLinkController } from './acknowledge-link.controller';
import { AcknowledgeLinksService } from './acknowledge-links.service';
import { AlertPagesController } from './alert-pages.controller';
import { AlertPagesService } from './alert-pages.service';
import { EscalationService } from './escalation.service';
import { InAppNotifier } from './in-app.notifier';
import { NOTIFIERS } from './notifier';
import type { Notifier } from './notifier';
import { PageDeliveryService } from './page-delivery.service';
import { PagingRepository } from './paging.repository';
import { PagingService } from './paging.service';
import { PagingSettings } from './paging-settings';
import { PagingSweepJob } from './paging-sweep.job';
import { WebhookNotifier } from './webhook.notifier';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { ChannelPages } from './channel-pages';
import { EmailNotifier } from './email.notifier';
import { NotificationChannelsController } from './notification-channels.controller';
import { NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationIncidentsService } from './notification-incidents.service';
import { NotificationSettings } from './notification-settings';
import { OpsgenieNotifier } from './opsgenie.notifier';
import { PagerDutyNotifier } from './pagerduty.notifier';

@Module({
  imports: [OnCallModule, AlertsModule],
  controllers: [AcknowledgeLinkController, AlertPagesController, WebhooksController, NotificationChannelsController],
  providers: [
    PagingRepository,
    PagingSettings,
    EscalationService,
    PageDeliveryService,
    InAppNotifier,
    WebhookNotifier,
    // Notification channels (issue 17): e-mail, PagerDuty, Opsgenie. A further notifier (SMS) is one more class here.
    NotificationSettings,
    NotificationChannelsRepository,
    ChannelPages,
    EmailNotifier,
    PagerDutyNotifier,
    OpsgenieNotifier,
    NotificationChannelsService,
    NotificationIncidentsService,
    {
      provide: NOTIFIERS,
      useFactory: (...notifiers: Notifier[]) => notifiers,
      inject: [InAppNotifier, WebhookNotifier, EmailNotifier, PagerDutyNotifier, OpsgenieNotifier],
    },
    PagingService,
    PagingSweepJob,
    WebhooksService,
    AlertPagesService,
    AcknowledgeLinksService,
  ],
  exports: [PagingService, PagingSettings, NotificationSettings],
})
export class PagingModule {}
