// The URIs PumpWatch's FHIR resources are coded in: its own identifier and code systems, and the standard ones it uses.

/** PumpWatch's own namespace: a URN, so it names PumpWatch's codes whatever host a deployment answers on. */
export const PUMPWATCH_URN = 'urn:pumpwatch';

/** A patient's MRN is unique within its clinic only, so each clinic has its own identifier system. */
export function mrnSystemOf(clinicId: string): string {
  return `${PUMPWATCH_URN}:clinic:${clinicId}:mrn`;
}

/** Pump serial numbers are unique across PumpWatch (the pumps table's unique key). */
export const PUMP_SERIAL_SYSTEM = `${PUMPWATCH_URN}:pump-serial`;

/** Observation codes: what the pump reported and what the forecast derives. */
export const OBSERVATION_CODE_SYSTEM = `${PUMPWATCH_URN}:code-system:observation`;
export const OBSERVATION_CODES = {
  reservoirVolume: { code: 'reservoir-volume', display: 'Reported pump reservoir volume' },
  refillDeadline: { code: 'refill-deadline', display: 'Forecast refill deadline' },
  lowReservoirAlarm: { code: 'low-reservoir-alarm', display: 'Forecast low-reservoir alarm instant (nominal)' },
} as const;
export type ObservationCodeKey = keyof typeof OBSERVATION_CODES;

/** Flag codes: PumpWatch's alert kinds (`reservoir_near_empty`, `delivery_interrupted`, ...). */
export const ALERT_KIND_SYSTEM = `${PUMPWATCH_URN}:code-system:alert-kind`;
/** Alert severities (`critical`, `urgent`, `warning`), a second coding of a flag's code. */
export const ALERT_SEVERITY_SYSTEM = `${PUMPWATCH_URN}:code-system:alert-severity`;
/** Clinician professions (`nurse`, `physician`). */
export const PROFESSION_SYSTEM = `${PUMPWATCH_URN}:code-system:profession`;
/** Pump model ids (`synchromed-ii-20`, ...). */
export const PUMP_MODEL_SYSTEM = `${PUMPWATCH_URN}:code-system:pump-model`;

export const UCUM = 'http://unitsofmeasure.org';
export const V2_IDENTIFIER_TYPE = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const FLAG_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/flag-category';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const SNOMED = 'http://snomed.info/sct';

/** Baclofen, the one drug PumpWatch schedules (RxNorm ingredient RxCUI 1292). */
export const BACLOFEN = { system: RXNORM, code: '1292', display: 'baclofen' } as const;
/** SNOMED CT 72607000 |Intrathecal route (qualifier value)|. */
export const INTRATHECAL_ROUTE = { system: SNOMED, code: '72607000', display: 'Intrathecal route' } as const;
