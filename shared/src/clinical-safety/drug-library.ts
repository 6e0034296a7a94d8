// Drug library checks (dose error reduction): a program, a fill or a reported pump state against the clinic's soft and hard limits.
import { z } from 'zod';
import { PUMP_MODEL_IDS } from '../clinical-config';
import type { PumpModelId } from '../clinical-config';
import type { PatientBolus, PeriodicBolus, ProgramStep } from '../contracts';
import { DomainError } from '../domain-error';
import { programDoseMcgPerDay } from '../forecast/forecast';
import { DOSE_CHANGE_CONFIG } from './clinical-safety-config';
import { DEFAULT_DRUG_LIBRARY } from './drug-library-config';
import type { DrugLibrary, SoftHardLimit } from './drug-library-config';
import { SPASTICITY_ORIGINS } from './request-fields';
import type { SpasticityOrigin } from './request-fields';

export * from './drug-library-config';

export type LimitLevel = 'soft' | 'hard';
export type DrugLibraryRule =
  'concentration' | 'daily_dose' | 'periodic_bolus' | 'patient_bolus_dose' | 'patient_boluses_per_day' | 'bolus_share';

/** One value outside the library: the request field at fault, its value and the limit it passed. */
export interface DrugLibraryViolation {
  level: LimitLevel;
  rule: DrugLibraryRule;
  field: string;
  value: number;
  /** The soft or hard limit passed (for a concentration below the model's range: its minimum). */
  limit: number;
  unit: 'mcg/day' | 'mcg' | 'per day' | 'mcg/mL' | 'share';
  message: string;
}

export interface DrugLibraryCheck {
  soft: DrugLibraryViolation[];
  hard: DrugLibraryViolation[];
}

export interface DrugLibraryCheckInput {
  modelId?: PumpModelId | null;
  /** null or absent: not recorded, the stricter cerebral limits apply (as in the dose guard). */
  spasticityOrigin?: SpasticityOrigin | null;
  concentrationMcgPerMl?: number | null;
  /** Field name of the concentration (default `concentrationMcgPerMl`). */
  concentrationField?: string;
  program?: { steps: ProgramStep[]; periodicBoluses: PeriodicBolus[]; patientBolus?: PatientBolus | null } | null;
  /** A daily dose not written as a program (constant flow x concentration, a taper target, a reported dose) and its field. */
  dailyDoses?: { field: string; doseMcgPerDay: number }[];
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const EPSILON = 1e-9;

export function originUsed(origin: SpasticityOrigin | null | undefined): { origin: SpasticityOrigin; recorded: boolean } {
  return { origin: origin ?? DOSE_CHANGE_CONFIG.unknownOriginUses, recorded: origin !== null && origin !== undefined };
}

/** Judges every value of the input against the library; an empty result passes. Pure, never throws on a value. */
export function checkAgainstLibrary(library: DrugLibrary, input: DrugLibraryCheckInput): DrugLibraryCheck {
  const found: DrugLibraryViolation[] = [];
  const { origin, recorded } = originUsed(input.spasticityOrigin);
  const originLabel = recorded ? `${origin} origin` : `${origin} origin (origin not recorded: the stricter limit)`;

  const limitOf = (
    rule: DrugLibraryRule,
    field: string,
    value: number,
    limit: SoftHardLimit,
    unit: DrugLibraryViolation['unit'],
    what: string,
  ): void => {
    const level: LimitLevel | null = value > limit.hard + EPSILON ? 'hard' : value > limit.soft + EPSILON ? 'soft' : null;
    if (level === null) return;
    const passed = level === 'hard' ? limit.hard : limit.soft;
    found.push({
      level,
      rule,
      field,
      value: round1(value),
      limit: passed,
      unit,
      message: `${what} ${round1(value)} ${unit} is above the drug library's ${level} limit of ${passed} ${unit}`,
    });
  };

  const concentration = input.concentrationMcgPerMl;
  if (concentration !== null && concentration !== undefined && input.modelId) {
    const rule = library.concentrations[input.modelId];
    const field = input.concentrationField ?? 'concentrationMcgPerMl';
    if (concentration < rule.minMcgPerMl - EPSILON || concentration > rule.maxMcgPerMl + EPSILON) {
      const limit = concentration > rule.maxMcgPerMl ? rule.maxMcgPerMl : rule.minMcgPerMl;
      found.push({
        level: 'hard',
        rule: 'concentration',
        field,
        value: concentration,
        limit,
        unit: 'mcg/mL',
        message: `${concentration} mcg/mL is outside the drug library's ${rule.minMcgPerMl}-${rule.maxMcgPerMl} mcg/mL for this pump model`,
      });
    } else if (!rule.labelledMcgPerMl.some((c) => Math.abs(c - concentration) < EPSILON)) {
      found.push({
        level: 'soft',
        rule: 'concentration',
        field,
        value: concentration,
        limit: rule.minMcgPerMl,
        unit: 'mcg/mL',
        message: `${concentration} mcg/mL is not a labelled maintenance concentration (${rule.labelledMcgPerMl.join(', ')} mcg/mL): a screening strength or a dilution`,
      });
    }
  }

  const daily = library.dailyDoseMcgPerDay[origin];
  const program = input.program;
  if (program) {
    program.steps.forEach((step, i) =>
      limitOf('daily_dose', `steps.${i}.doseMcgPerDay`, step.doseMcgPerDay, daily, 'mcg/day', `The step's rate for ${originLabel}:`),
    );
    const total = programDoseMcgPerDay(program);
    // The boluses carry the day over the limit while every step is within it: name the boluses.
    if (!found.some((v) => v.rule === 'daily_dose') && program.periodicBoluses.length > 0) {
      limitOf('daily_dose', 'periodicBoluses', total, daily, 'mcg/day', `The daily dose with its periodic boluses for ${originLabel}:`);
    }
    program.periodicBoluses.forEach((bolus, i) =>
      limitOf('periodic_bolus', `periodicBoluses.${i}.doseMcg`, bolus.doseMcg, library.periodicBolusMcg, 'mcg', 'One periodic bolus:'),
    );
    if (program.periodicBoluses.length > 0 && total > 0) {
      const share = program.periodicBoluses.reduce((sum, b) => sum + b.doseMcg, 0) / total;
      if (share > library.bolusShareOfDailyDose.soft + EPSILON) {
        const percent = Math.round(share * 1000) / 10;
        found.push({
          level: 'soft',
          rule: 'bolus_share',
          field: 'periodicBoluses',
          value: Math.round(share * 1000) / 1000,
          limit: library.bolusShareOfDailyDose.soft,
          unit: 'share',
          message: `Periodic boluses give ${percent}% of the daily dose, above the drug library's soft limit of ${Math.round(library.bolusShareOfDailyDose.soft * 1000) / 10}% (the same daily total in fewer, larger doses)`,
        });
      }
    }
    if (program.patientBolus) {
      limitOf(
        'patient_bolus_dose',
        'patientBolus.doseMcg',
        program.patientBolus.doseMcg,
        library.patientBolusDoseMcg,
        'mcg',
        'One patient bolus:',
      );
      limitOf(
        'patient_boluses_per_day',
        'patientBolus.maxPerDay',
        program.patientBolus.maxPerDay,
        library.patientBolusesPerDay,
        'per day',
        'Patient boluses allowed:',
      );
    }
  }
  for (const dose of input.dailyDoses ?? [])
    limitOf('daily_dose', dose.field, dose.doseMcgPerDay, daily, 'mcg/day', `The daily dose for ${originLabel}:`);
  return { soft: found.filter((v) => v.level === 'soft'), hard: found.filter((v) => v.level === 'hard') };
}

/**
 * Refuses (422) a write outside the library: every hard violation whatever the reason; soft ones until `reasonField` is given.
 * Returns the soft violations the reason overrides (to store and audit with the record).
 */
export function enforceLibrary(check: DrugLibraryCheck, reason: string | null | undefined, reasonField: string): DrugLibraryViolation[] {
  if (check.hard.length > 0) {
    const fields = check.hard.map((v) => ({ field: v.field, message: `${v.message} (hard limit: refused whatever the reason)` }));
    throw new DomainError('rule_violated', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
  }
  if (check.soft.length > 0 && (reason === null || reason === undefined || reason.trim() === '')) {
    const fields = [
      ...check.soft.map((v) => ({ field: v.field, message: `${v.message} (soft limit: confirm with a reason)` })),
      {
        field: reasonField,
        message: `is required to go past the drug library's soft limit (${check.soft.map((v) => v.field).join(', ')})`,
      },
    ];
    throw new DomainError('rule_violated', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
  }
  return check.soft;
}

// ---- A clinic's edits, within the code's bounds ----

const positive = z.number().positive('must be above 0');
const limitOverride = z.object({ soft: positive.optional(), hard: positive.optional() }).strict();
const concentrationOverride = z.object({ minMcgPerMl: positive.optional(), maxMcgPerMl: positive.optional() }).strict();

/** A clinic's edits of the default library; an absent value keeps the default. `{}` restores the defaults. */
export const drugLibraryOverridesSchema = z
  .object({
    concentrations: z.partialRecord(z.enum(PUMP_MODEL_IDS as [PumpModelId, ...PumpModelId[]]), concentrationOverride).optional(),
    dailyDoseMcgPerDay: z.partialRecord(z.enum(SPASTICITY_ORIGINS), limitOverride).optional(),
    periodicBolusMcg: limitOverride.optional(),
    patientBolusDoseMcg: limitOverride.optional(),
    patientBolusesPerDay: limitOverride.optional(),
    bolusShareOfDailyDose: z
      .object({ soft: positive.max(1, 'must be a share of at most 1') })
      .strict()
      .optional(),
  })
  .strict();
export type DrugLibraryOverrides = z.infer<typeof drugLibraryOverridesSchema>;

type FieldError = { field: string; message: string };

function resolveLimit(
  path: string,
  base: SoftHardLimit,
  edit: { soft?: number; hard?: number } | undefined,
  errors: FieldError[],
): SoftHardLimit {
  const hard = edit?.hard ?? base.hard;
  const soft = edit?.soft ?? Math.min(base.soft, hard);
  if (hard > base.hard) errors.push({ field: `${path}.hard`, message: `must not exceed the code's bound of ${base.hard}` });
  if (soft > hard) errors.push({ field: `${path}.soft`, message: `must not exceed the hard limit of ${hard}` });
  return { soft, hard };
}

/** The clinic's library: the defaults with its edits, refused (422 naming the field) where an edit leaves the code's bounds. */
export function resolveDrugLibrary(overrides: DrugLibraryOverrides | null, base: DrugLibrary = DEFAULT_DRUG_LIBRARY): DrugLibrary {
  const edits = overrides ?? {};
  const errors: FieldError[] = [];
  const concentrations = { ...base.concentrations };
  for (const modelId of PUMP_MODEL_IDS) {
    const edit = edits.concentrations?.[modelId];
    if (!edit) continue;
    const rule = base.concentrations[modelId];
    const min = edit.minMcgPerMl ?? rule.minMcgPerMl;
    const max = edit.maxMcgPerMl ?? rule.maxMcgPerMl;
    const path = `concentrations.${modelId}`;
    if (min < rule.minMcgPerMl)
      errors.push({ field: `${path}.minMcgPerMl`, message: `must not be below the code's bound of ${rule.minMcgPerMl}` });
    if (max > rule.maxMcgPerMl)
      errors.push({ field: `${path}.maxMcgPerMl`, message: `must not exceed the code's bound of ${rule.maxMcgPerMl}` });
    if (min > max) errors.push({ field: `${path}.minMcgPerMl`, message: `must not exceed maxMcgPerMl (${max})` });
    concentrations[modelId] = { ...rule, minMcgPerMl: min, maxMcgPerMl: max };
  }
  const dailyDoseMcgPerDay = { ...base.dailyDoseMcgPerDay };
  for (const origin of SPASTICITY_ORIGINS) {
    dailyDoseMcgPerDay[origin] = resolveLimit(
      `dailyDoseMcgPerDay.${origin}`,
      base.dailyDoseMcgPerDay[origin],
      edits.dailyDoseMcgPerDay?.[origin],
      errors,
    );
  }
  const library: DrugLibrary = {
    drug: base.drug,
    concentrations,
    dailyDoseMcgPerDay,
    periodicBolusMcg: resolveLimit('periodicBolusMcg', base.periodicBolusMcg, edits.periodicBolusMcg, errors),
    patientBolusDoseMcg: resolveLimit('patientBolusDoseMcg', base.patientBolusDoseMcg, edits.patientBolusDoseMcg, errors),
    patientBolusesPerDay: resolveLimit('patientBolusesPerDay', base.patientBolusesPerDay, edits.patientBolusesPerDay, errors),
    bolusShareOfDailyDose: { soft: edits.bolusShareOfDailyDose?.soft ?? base.bolusShareOfDailyDose.soft },
  };
  if (errors.length > 0) throw new DomainError('rule_violated', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
  return library;
}

/** GET/PUT /api/clinics/:id/drug-library answer. */
export interface ClinicDrugLibrary {
  clinicId: string;
  /** What the checks use: the defaults with the clinic's edits. */
  library: DrugLibrary;
  /** The clinic's edits; null: the defaults. */
  overrides: DrugLibraryOverrides | null;
  /** The code's library, whose hard limits bound every edit. */
  defaults: DrugLibrary;
}
