// The drug library's dose limits as settings fields (soft: a reason is asked; hard: refused), with defaults and sources from the shared config.
import { DEFAULT_DRUG_LIBRARY, type DrugLibrary, type DrugLibraryOverrides, type SoftHardLimit } from '@pumpwatch/shared';
import type { SettingField, SettingGroup } from './setting-fields';

/** Flat names the API also uses in its 422 answers, e.g. `dailyDoseMcgPerDay.spinal.hard`. */
export type DrugLimitName =
  | `dailyDoseMcgPerDay.${'spinal' | 'cerebral'}.${'soft' | 'hard'}`
  | `${'periodicBolusMcg' | 'patientBolusDoseMcg' | 'patientBolusesPerDay'}.${'soft' | 'hard'}`
  | 'bolusShareOfDailyDose.soft';

type Limited = 'periodicBolusMcg' | 'patientBolusDoseMcg' | 'patientBolusesPerDay';
const D = DEFAULT_DRUG_LIBRARY;

function pair(
  path: string,
  what: string,
  unit: string,
  limit: SoftHardLimit,
  whole: boolean,
  source: string,
): SettingField<DrugLimitName>[] {
  return [
    {
      name: `${path}.soft` as DrugLimitName,
      label: `${what}: ask a reason above`,
      unit,
      defaultValue: limit.soft,
      whole,
      source,
      meaning: 'Above this a program or fill is saved only with a written reason (soft limit).',
      min: 0,
      max: limit.hard,
      rangeText: 'above 0, up to the hard limit',
    },
    {
      name: `${path}.hard` as DrugLimitName,
      label: `${what}: refuse above`,
      unit,
      defaultValue: limit.hard,
      whole,
      source,
      meaning: 'Above this a program or fill is refused whatever the reason (hard limit). It can be lowered, never raised.',
      min: 0,
      max: limit.hard,
      rangeText: `above 0, at most ${limit.hard}`,
    },
  ];
}

const LABEL = 'Lioresal Intrathecal label, maintenance therapy';
const UNVERIFIED = 'PumpWatch default (no label or guideline gives this limit)';

export const DRUG_LIBRARY_GROUP: SettingGroup<DrugLimitName> = {
  id: 'drug-library',
  title: 'Drug library: baclofen dose limits',
  intro:
    'Dose error reduction, as smart pumps have: a soft limit asks for a reason, a hard limit refuses. Concentrations per pump model keep their defaults here.',
  fields: [
    ...pair('dailyDoseMcgPerDay.spinal', 'Daily dose, spinal origin', 'mcg/day', D.dailyDoseMcgPerDay.spinal, false, LABEL),
    ...pair(
      'dailyDoseMcgPerDay.cerebral',
      'Daily dose, cerebral origin (or not recorded)',
      'mcg/day',
      D.dailyDoseMcgPerDay.cerebral,
      false,
      `${LABEL}; Gablofen monograph`,
    ),
    ...pair('periodicBolusMcg', 'One periodic bolus', 'mcg', D.periodicBolusMcg, false, UNVERIFIED),
    ...pair('patientBolusDoseMcg', 'One patient bolus', 'mcg', D.patientBolusDoseMcg, false, UNVERIFIED),
    ...pair(
      'patientBolusesPerDay',
      'Patient boluses',
      'per day',
      D.patientBolusesPerDay,
      true,
      'PumpWatch default; mean 3.6 activations a day (CMSC 2015)',
    ),
    {
      name: 'bolusShareOfDailyDose.soft',
      label: 'Periodic boluses: ask a reason above',
      unit: '% of the daily dose',
      defaultValue: D.bolusShareOfDailyDose.soft * 100,
      meaning: 'Boluses above this share of the programmed daily dose keep the total but change the peak: a reason is asked.',
      min: 0,
      max: 100,
      rangeText: 'above 0, at most 100',
      whole: false,
      source: 'PumpWatch default',
    },
  ],
};

/** The clinic's library as the form's values (the bolus share in %). */
export function drugLimitValues(library: DrugLibrary): Record<DrugLimitName, number> {
  const values = {} as Record<DrugLimitName, number>;
  for (const origin of ['spinal', 'cerebral'] as const) {
    values[`dailyDoseMcgPerDay.${origin}.soft`] = library.dailyDoseMcgPerDay[origin].soft;
    values[`dailyDoseMcgPerDay.${origin}.hard`] = library.dailyDoseMcgPerDay[origin].hard;
  }
  for (const key of ['periodicBolusMcg', 'patientBolusDoseMcg', 'patientBolusesPerDay'] as Limited[]) {
    values[`${key}.soft`] = library[key].soft;
    values[`${key}.hard`] = library[key].hard;
  }
  values['bolusShareOfDailyDose.soft'] = Math.round(library.bolusShareOfDailyDose.soft * 100 * 1000) / 1000;
  return values;
}

/**
 * The clinic's edits to PUT (which replaces them): every dose limit that differs from the code's default, the concentration edits
 * kept as they were (this form does not show them).
 */
export function drugLibraryOverridesOf(values: Record<DrugLimitName, number>, current: DrugLibraryOverrides | null): DrugLibraryOverrides {
  const overrides: DrugLibraryOverrides = current?.concentrations ? { concentrations: current.concentrations } : {};
  const edit = (limit: SoftHardLimit, soft: number, hard: number) => {
    const changed: { soft?: number; hard?: number } = {};
    if (soft !== limit.soft) changed.soft = soft;
    if (hard !== limit.hard) changed.hard = hard;
    return Object.keys(changed).length > 0 ? changed : undefined;
  };
  for (const origin of ['spinal', 'cerebral'] as const) {
    const changed = edit(
      D.dailyDoseMcgPerDay[origin],
      values[`dailyDoseMcgPerDay.${origin}.soft`],
      values[`dailyDoseMcgPerDay.${origin}.hard`],
    );
    if (changed) overrides.dailyDoseMcgPerDay = { ...overrides.dailyDoseMcgPerDay, [origin]: changed };
  }
  for (const key of ['periodicBolusMcg', 'patientBolusDoseMcg', 'patientBolusesPerDay'] as Limited[]) {
    const changed = edit(D[key], values[`${key}.soft`], values[`${key}.hard`]);
    if (changed) overrides[key] = changed;
  }
  const share = values['bolusShareOfDailyDose.soft'] / 100;
  if (Math.abs(share - D.bolusShareOfDailyDose.soft) > 1e-9) overrides.bolusShareOfDailyDose = { soft: share };
  return overrides;
}

/** Before anything is sent: each value above 0 and within the code's bound (the API names the field for the rest). */
export const drugLimitsParser = {
  safeParse(input: unknown) {
    const issues: { path: string[]; message: string }[] = [];
    for (const field of DRUG_LIBRARY_GROUP.fields) {
      const value = (input as Record<string, number | undefined>)[field.name];
      if (value === undefined) continue;
      if (!Number.isFinite(value)) issues.push({ path: [field.name], message: 'must be a number' });
      else if (value <= 0) issues.push({ path: [field.name], message: 'must be above 0' });
      else if (value > field.max)
        issues.push({
          path: [field.name],
          message: field.name.endsWith('.hard') ? `must not exceed the code's bound of ${field.max}` : `must be at most ${field.max}`,
        });
      else if (field.whole && !Number.isInteger(value)) issues.push({ path: [field.name], message: 'must be a whole number' });
    }
    return issues.length === 0 ? { success: true as const, data: input } : { success: false as const, error: { issues } };
  },
};
