// The telemetry feature's entities, listed once for the data source.
import { PumpEventEntity } from './pump-event.entity';
import { ReservoirReconciliationEntity } from './reservoir-reconciliation.entity';
import { TelemetryReadingEntity } from './telemetry-reading.entity';

export const TELEMETRY_ENTITIES = [TelemetryReadingEntity, ReservoirReconciliationEntity, PumpEventEntity];
