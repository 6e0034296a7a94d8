// A pump's reported reservoir volume and its forecast instants (refill deadline, low-reservoir alarm) -> FHIR Observations.
import type { Observation } from '@medplum/fhirtypes';
import type { DeadlineReason, ForecastStatus, Pump } from '@pumpwatch/shared';
import { OBSERVATION_CODE_SYSTEM, OBSERVATION_CODES, ObservationCodeKey, UCUM } from '../fhir-systems';
import { deviceRef, patientRef } from './fhir-references';

/** Observation ids are the pump's id and the code: one current observation of each kind per pump (64 characters at most). */
export function observationIdOf(pumpId: string, key: ObservationCodeKey): string {
  return `${pumpId}-${OBSERVATION_CODES[key].code}`;
}

/** The pump and code key an observation id names, or null. */
export function parseObservationId(id: string): { pumpId: string; key: ObservationCodeKey } | null {
  for (const key of Object.keys(OBSERVATION_CODES) as ObservationCodeKey[]) {
    const suffix = `-${OBSERVATION_CODES[key].code}`;
    if (id.endsWith(suffix)) return { pumpId: id.slice(0, -suffix.length), key };
  }
  return null;
}

/** What the observations read of a forecast: a PumpForecast, or the same figures as the fleet read model keeps them. */
export interface ObservationForecast {
  status: ForecastStatus;
  at: string;
  refillDeadline: string | null;
  deadlineReason: DeadlineReason | null;
  lowReservoirAlarmMl: number;
  nominal: { lowReservoirAlarmAt: string | null };
  worstCase: { lowReservoirAlarmAt: string | null };
  reportedReservoir: { recordedAt: string; reportedVolumeMl: number } | null;
}

type ObservedPump = Pick<Pump, 'id' | 'patientId' | 'serialNumber'>;

function base(pump: ObservedPump, key: ObservationCodeKey): Observation {
  const code = OBSERVATION_CODES[key];
  return {
    resourceType: 'Observation',
    id: observationIdOf(pump.id, key),
    status: 'final',
    code: { coding: [{ system: OBSERVATION_CODE_SYSTEM, code: code.code, display: code.display }], text: code.display },
    subject: patientRef(pump.patientId),
    device: deviceRef(pump.id, pump.serialNumber),
  };
}

/**
 * The observations a pump has now: its latest reported reservoir volume since the fill in force, and the forecast's refill
 * deadline and nominal low-reservoir alarm. A forecast is recomputed as programs, fills and telemetry arrive, so those are
 * 'preliminary', effective at the forecast's instant.
 */
export function toFhirObservations(pump: ObservedPump, forecast: ObservationForecast | null): Observation[] {
  const observations: Observation[] = [];
  const reported = forecast?.reportedReservoir ?? null;
  if (reported) {
    observations.push({
      ...base(pump, 'reservoirVolume'),
      effectiveDateTime: reported.recordedAt,
      issued: reported.recordedAt,
      valueQuantity: { value: reported.reportedVolumeMl, unit: 'mL', system: UCUM, code: 'mL' },
    });
  }
  if (forecast && forecast.status === 'ok') {
    if (forecast.refillDeadline) {
      observations.push({
        ...base(pump, 'refillDeadline'),
        status: 'preliminary',
        effectiveDateTime: forecast.at,
        issued: forecast.at,
        valueDateTime: forecast.refillDeadline,
        ...(forecast.deadlineReason ? { note: [{ text: `deadline set by ${forecast.deadlineReason.replace(/_/g, ' ')}` }] } : {}),
      });
    }
    if (forecast.nominal.lowReservoirAlarmAt) {
      observations.push({
        ...base(pump, 'lowReservoirAlarm'),
        status: 'preliminary',
        effectiveDateTime: forecast.at,
        issued: forecast.at,
        valueDateTime: forecast.nominal.lowReservoirAlarmAt,
        note: [
          {
            text: `the pump alarms at ${forecast.lowReservoirAlarmMl} mL; worst case (every allowed patient bolus) ${forecast.worstCase.lowReservoirAlarmAt ?? 'not reached'}`,
          },
        ],
      });
    }
  }
  return observations;
}
