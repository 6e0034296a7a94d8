// Request fields the clinical-safety rules add to the patient, program and fill schemas of ../contracts (which imports them, so
// nothing here imports ../contracts: a cycle would leave its schemas undefined while this file loads).
import { z } from 'zod';
import type { DoseChangeContext } from './dose-guard';
import { clinicText } from '../text-fields';

/** Where the spasticity comes from: it sets the escalation limits (cerebral ones are stricter). */
export const SPASTICITY_ORIGINS = ['spinal', 'cerebral'] as const;
export type SpasticityOrigin = (typeof SPASTICITY_ORIGINS)[number];
export const spasticityOriginSchema = z.enum(SPASTICITY_ORIGINS, { message: `must be one of ${SPASTICITY_ORIGINS.join(', ')}` });
/** Spread into the patient create/update schemas; null clears it (not recorded). */
export const spasticityOriginFields = { spasticityOrigin: spasticityOriginSchema.nullable().optional() };

/** Why a guarded dose change is made; required (422 naming it) when the dose guard says `requiresReason`. */
export const doseChangeReasonSchema = clinicText(2000, { min: 1, minMessage: 'must not be empty' });
/** Spread into the program (and constant-flow fill) request schemas. */
export const doseChangeReasonFields = { doseChangeReason: doseChangeReasonSchema.optional() };

export const DOSE_CHANGE_CONTEXTS = ['post_implant_titration', 'refill_adjustment'] as const satisfies readonly DoseChangeContext[];
/**
 * Which escalation limits a program change is judged by. Optional: without it the server takes 'refill_adjustment' when the pump
 * was refilled during the 24 h before the change, else 'post_implant_titration' (the stricter limits).
 */
export const doseChangeContextFields = {
  doseChangeContext: z.enum(DOSE_CHANGE_CONTEXTS, { message: `must be one of ${DOSE_CHANGE_CONTEXTS.join(', ')}` }).optional(),
};
