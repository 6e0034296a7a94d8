// A pump's telemetry readings, reconciliations and events, loaded with the pump page and again on each pump.changed of that pump.
import { api } from '../../lib/api';
import { useLiveData, type LiveData } from '../../lib/use-live-data';
import type { PumpEvent, PumpReconciliations, PumpTelemetryReadings } from '@pumpwatch/shared';

export interface PumpTelemetryData {
  readings: LiveData<PumpTelemetryReadings>;
  reconciliations: LiveData<PumpReconciliations>;
  events: LiveData<PumpEvent[]>;
}

export function usePumpTelemetry(pumpId: string): PumpTelemetryData {
  const ofThisPump = (event: { pumpId: string }) => event.pumpId === pumpId;
  // The server's default window (the longest refill interval) covers the forecast chart's span.
  const readings = useLiveData(`telemetry:${pumpId}`, (signal) => api.getPumpTelemetry(pumpId, {}, signal), ofThisPump);
  const reconciliations = useLiveData(`reconciliations:${pumpId}`, (signal) => api.getPumpReconciliations(pumpId, signal), ofThisPump);
  const events = useLiveData(`pump-events:${pumpId}`, (signal) => api.listPumpEvents(pumpId, signal), ofThisPump);
  return { readings, reconciliations, events };
}
