// Example requests and answers shown by the OpenAPI document: a plausible clinic day, typed against the shared contracts.
// Baclofen at a labelled strength (500, 1000 or 2000 mcg/mL), a 20 or 40 mL reservoir and a maintenance dose of a few hundred
// mcg/day; the OpenAPI test checks every example against the drug library's bounds and the route's own schema.
import type {
  ApiErrorBody,
  CompleteAppointmentRequest,
  CreateAppointmentRequest,
  CreateFillRequest,
  CreatePatientRequest,
  CreateProgramRequest,
  CreatePumpRequest,
  CreateTaperPlanRequest,
  DrugLibraryOverrides,
  Fill,
  LoginRequest,
  Patient,
  Program,
  Pump,
  RouteKey,
  TelemetryBatchRequest,
  TelemetryIngestResult,
} from '@pumpwatch/shared';

const CLINIC_ID = '3f2b6c1e-8a4d-4c2f-9e71-5b0d2a6c9f10';
const PATIENT_ID = '8c1d4e2a-5b7f-4a3c-9d60-1e2f3a4b5c6d';
const PUMP_ID = 'b5e8f1a2-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const CLINICIAN_ID = 'd4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a';

const patientRequest: CreatePatientRequest = {
  clinicId: CLINIC_ID,
  mrn: 'MRN-004821',
  displayName: 'Jeanne Martin',
  birthDate: '1968-04-12',
  sex: 'female',
  weightKg: 62,
  heightCm: 165,
  spasticityOrigin: 'spinal',
  spinalCordInjuryT6OrAbove: true,
  communicationDifficulty: false,
  previousWithdrawal: false,
};
const patient: Patient = {
  id: PATIENT_ID,
  clinicId: CLINIC_ID,
  mrn: 'MRN-004821',
  displayName: 'Jeanne Martin',
  birthDate: '1968-04-12',
  sex: 'female',
  weightKg: 62,
  createdAt: '2024-11-18T10:05:00.000Z',
  spinalCordInjuryT6OrAbove: true,
  communicationDifficulty: false,
  previousWithdrawal: false,
  heightCm: 165,
  spasticityOrigin: 'spinal',
};

const pumpRequest: CreatePumpRequest = {
  patientId: PATIENT_ID,
  modelId: 'synchromed-ii-20',
  serialNumber: 'NGP218734H',
  implantDate: '2024-11-18',
};
const pump: Pump = {
  id: PUMP_ID,
  patientId: PATIENT_ID,
  clinicId: CLINIC_ID,
  modelId: 'synchromed-ii-20',
  serialNumber: 'NGP218734H',
  implantDate: '2024-11-18',
  reservoirCapacityMl: 20,
  lowReservoirAlarmMl: 2,
  flowRateMlPerDay: null,
  explantedAt: null,
  explantReason: null,
  replacesPumpId: null,
  createdAt: '2024-11-18T10:20:00.000Z',
};

const fillRequest: CreateFillRequest = {
  filledAt: '2026-03-02T09:30:00Z',
  drug: 'baclofen',
  concentrationMcgPerMl: 1000,
  volumeMl: 20,
  aspiratedResidualMl: 2.6,
  patientBolusCountSinceLastFill: 14,
};
const fill: Fill = {
  id: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  pumpId: PUMP_ID,
  filledAt: '2026-03-02T09:30:00.000Z',
  drug: 'baclofen',
  concentrationMcgPerMl: 1000,
  volumeMl: 20,
  aspiratedResidualMl: 2.6,
  stabilityDays: 180,
  bridgeBolus: null,
  expectedResidualMl: 2.9,
  patientBolusCountSinceLastFill: 14,
  doseChangeReason: null,
  limitOverrideReason: null,
  limitOverrides: [],
  createdAt: '2026-03-02T09:41:12.000Z',
};

const programRequest: CreateProgramRequest = {
  effectiveFrom: '2026-03-02T09:45:00Z',
  steps: [
    { startTime: '00:00', doseMcgPerDay: 300 },
    { startTime: '07:00', doseMcgPerDay: 360 },
    { startTime: '22:00', doseMcgPerDay: 300 },
  ],
  periodicBoluses: [{ time: '08:00', doseMcg: 50 }],
  patientBolus: { doseMcg: 25, maxPerDay: 4 },
};
const program: Program = {
  id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
  pumpId: PUMP_ID,
  effectiveFrom: '2026-03-02T09:45:00.000Z',
  steps: programRequest.steps,
  periodicBoluses: [{ time: '08:00', doseMcg: 50 }],
  patientBolus: { doseMcg: 25, maxPerDay: 4 },
  // 300 x 7 h + 360 x 15 h + 300 x 2 h over 24 h = 337.5 mcg/day of steps, plus the 50 mcg periodic bolus.
  doseMcgPerDay: 387.5,
  doseChangeReason: null,
  doseChangeContext: null,
  limitOverrides: [],
  createdAt: '2026-03-02T09:46:03.000Z',
};

const telemetryRequest: TelemetryBatchRequest = {
  readings: [
    {
      serialNumber: 'NGP218734H',
      recordedAt: '2026-03-20T06:00:00Z',
      reservoirVolumeMl: 13.8,
      alarms: [],
      batteryStatus: 'ok',
      programDoseMcgPerDay: 387.5,
      programConcentrationMcgPerMl: 1000,
      patientBolusCountTotal: 212,
    },
  ],
};
const telemetryResult: TelemetryIngestResult = { received: 1, new: 1, duplicates: 0, unknownSerials: [] };

const appointmentRequest: CreateAppointmentRequest = { pumpId: PUMP_ID, clinicianId: CLINICIAN_ID, startsAt: '2026-04-21T08:30:00Z' };
const completeRequest: CompleteAppointmentRequest = {
  filledAt: '2026-04-21T08:40:00Z',
  drug: 'baclofen',
  concentrationMcgPerMl: 1000,
  volumeMl: 20,
  aspiratedResidualMl: 3.1,
};
// A drug holiday before a pump replacement: steps of at most a fifth a day (the default abrupt-cut limit), the last to 0 with its
// reason, an oral baclofen bridge, and re-introduction below the former dose.
const taperPlanRequest: CreateTaperPlanRequest = {
  startsAt: '2026-05-04T08:00:00Z',
  steps: [
    { at: '2026-05-04T08:00:00Z', targetDoseMcgPerDay: 320 },
    { at: '2026-05-05T08:00:00Z', targetDoseMcgPerDay: 260 },
    { at: '2026-05-06T08:00:00Z', targetDoseMcgPerDay: 210 },
    { at: '2026-05-07T08:00:00Z', targetDoseMcgPerDay: 0 },
  ],
  bridge: { drug: 'oral_baclofen', doseMgPerDay: 30 },
  reintroductionDoseMcgPerDay: 200,
  stepLimitOverrideReason: 'Planned holiday for the pump replacement on 7 May; inpatient, oral bridge 10 mg three times a day from 6 May.',
};
// A clinic that fills its 20 mL SynchroMed II pumps at labelled maintenance strengths only and asks a reason above 600 mcg/day.
const drugLibraryRequest: DrugLibraryOverrides = {
  concentrations: { 'synchromed-ii-20': { minMcgPerMl: 500 } },
  dailyDoseMcgPerDay: { cerebral: { soft: 600 } },
};
const loginRequest: LoginRequest = { email: 'nurse.dupont@clinic.example', password: 'correct horse battery staple' };

export interface OperationExamples {
  request?: unknown;
  response?: unknown;
}

/** Examples by route: the request body and the success answer. */
export const OPERATION_EXAMPLES: Partial<Record<RouteKey, OperationExamples>> = {
  'POST /api/auth/login': { request: loginRequest },
  'POST /api/patients': { request: patientRequest, response: patient },
  'GET /api/patients/:id': { response: patient },
  'POST /api/pumps': { request: pumpRequest, response: pump },
  'POST /api/pumps/:id/fills': { request: fillRequest, response: fill },
  'GET /api/pumps/:id/fills': { response: [fill] },
  'POST /api/pumps/:id/programs': { request: programRequest, response: program },
  'GET /api/pumps/:id/programs': { response: [program] },
  'POST /api/telemetry': { request: telemetryRequest, response: telemetryResult },
  'POST /api/appointments': { request: appointmentRequest },
  'POST /api/appointments/:id/complete': { request: completeRequest },
  'POST /api/patients/:id/taper-plans': { request: taperPlanRequest },
  'PUT /api/clinics/:id/drug-library': { request: drugLibraryRequest },
};

/** The error answer's example per status. */
export const ERROR_EXAMPLES: Record<400 | 401 | 403 | 404 | 409 | 422, ApiErrorBody> = {
  400: {
    statusCode: 400,
    error: 'validation_failed',
    message: 'volumeMl must be above 0',
    fields: [{ field: 'volumeMl', message: 'must be above 0' }],
  },
  401: { statusCode: 401, error: 'unauthenticated', message: 'sign in first', fields: [] },
  403: { statusCode: 403, error: 'forbidden', message: 'your role in this clinic cannot do this', fields: [] },
  404: {
    statusCode: 404,
    error: 'not_found',
    message: 'id does not name a known pump',
    fields: [{ field: 'id', message: 'does not name a known pump' }],
  },
  409: {
    statusCode: 409,
    error: 'conflict',
    message: 'serialNumber is already registered',
    fields: [{ field: 'serialNumber', message: 'is already registered' }],
  },
  422: {
    statusCode: 422,
    error: 'rule_violated',
    message: 'concentrationMcgPerMl 3000 mcg/mL is above the hard limit of 2000 mcg/mL for synchromed-ii-20',
    fields: [{ field: 'concentrationMcgPerMl', message: 'is above the hard limit of 2000 mcg/mL' }],
  },
};
