// Paging feature: escalation of unacknowledged alerts (minute sweep), the in-app and webhook notifiers, webhook endpoints, pages
// and acknowledge links. Listed before AlertsModule in AppModule: its GET /api/alerts/acknowledge-link must be routed before
// the alerts' GET /api/alerts/:id.
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

@Module({
  imports: [OnCallModule, AlertsModule],
  controllers: [AcknowledgeLinkController, AlertPagesController, WebhooksController],
  providers: [
    PagingRepository, PagingSettings, EscalationService, PageDeliveryService, InAppNotifier, WebhookNotifier,
    // A further notifier (SMS, e-mail) is one more class here.
    { provide: NOTIFIERS, useFactory: (...notifiers: Notifier[]) => notifiers, inject: [InAppNotifier, WebhookNotifier] },
    PagingService, PagingSweepJob, WebhooksService, AlertPagesService, AcknowledgeLinksService,
  ],
  exports: [PagingService, PagingSettings],
})
export class PagingModule {}
