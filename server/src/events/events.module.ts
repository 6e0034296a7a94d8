// The ordered event sequence (writers), its live delivery over socket.io and the replay for reconnecting clients (readers).
import { Global, Module } from '@nestjs/common';
import { EventLogService } from './event-log.service';
import { EventsGateway } from './events.gateway';
import { LiveEventRelay } from './live-event-relay';
import { PgEventListener } from './pg-event-listener';

@Global()
@Module({
  providers: [EventLogService, EventsGateway, PgEventListener, LiveEventRelay],
  exports: [EventLogService, EventsGateway, PgEventListener, LiveEventRelay],
})
export class EventsModule {}
