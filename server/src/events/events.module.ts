// The ordered event sequence (writers) and its live delivery over socket.io (readers).
import { Global, Module } from '@nestjs/common';
import { EventLogService } from './event-log.service';
import { EventsGateway } from './events.gateway';
import { PgEventListener } from './pg-event-listener';

@Global()
@Module({
  providers: [EventLogService, EventsGateway, PgEventListener],
  exports: [EventLogService, EventsGateway],
})
export class EventsModule {}
