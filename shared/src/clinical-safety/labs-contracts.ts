// Request schemas (zod) of lab results, the dose-change reason and the spasticity origin, and the lab result response shape.
import { z } from 'zod';
import { isoInstant } from '../contracts';
import { RENAL_CONFIG } from './clinical-safety-config';
import type { CreatinineAssessment } from './renal-function';

export const LAB_KINDS = ['serum_creatinine'] as const;
export type LabKind = (typeof LAB_KINDS)[number];

export const CREATININE_UNITS = ['mg/dL', 'umol/L'] as const;
export type CreatinineUnit = (typeof CREATININE_UNITS)[number];

// Defined beside the other request fields ../contracts spreads in (see request-fields.ts); exported from here as before.
export * from './request-fields';

const { min: MIN_MG_PER_DL, max: MAX_MG_PER_DL } = RENAL_CONFIG.plausibleCreatinineMgPerDl;
const UMOL_PER_MG = RENAL_CONFIG.creatinineUmolPerLPerMgPerDl;
const plausibleRange = (unit: CreatinineUnit): { min: number; max: number } =>
  unit === 'mg/dL'
    ? { min: MIN_MG_PER_DL, max: MAX_MG_PER_DL }
    : { min: Math.round(MIN_MG_PER_DL * UMOL_PER_MG * 10) / 10, max: Math.round(MAX_MG_PER_DL * UMOL_PER_MG) };

/** POST /api/patients/:id/labs. Weight and height default to the patient's; the server refuses a `takenAt` in the future. */
export const createLabResultSchema = z
  .object({
    kind: z.literal('serum_creatinine', { message: "must be 'serum_creatinine'" }),
    value: z.number({ message: 'must be a number' }).positive('must be above 0'),
    unit: z.enum(CREATININE_UNITS, { message: `must be one of ${CREATININE_UNITS.join(', ')}` }),
    takenAt: isoInstant,
    weightKg: z.number().positive('must be above 0').max(400, 'must be at most 400').optional(),
    heightCm: z.number().positive('must be above 0').max(250, 'must be at most 250').optional(),
  })
  .superRefine((lab, ctx) => {
    // A value outside the plausible range is most often the other unit: the message names both.
    const { min, max } = plausibleRange(lab.unit);
    if (lab.value > 0 && (lab.value < min || lab.value > max)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be between ${min} and ${max} ${lab.unit} (check the unit)` });
    }
  });
export type CreateLabResultRequest = z.infer<typeof createLabResultSchema>;

/** A stored lab result with what was computed from it when it was recorded. */
export interface LabResult extends CreatinineAssessment {
  id: string;
  patientId: string;
  kind: LabKind;
  value: number;
  unit: CreatinineUnit;
  takenAt: string;
  /** The weight and height used (the request's, else the patient's); null when none was known. */
  weightKg: number | null;
  heightCm: number | null;
  createdAt: string;
}
