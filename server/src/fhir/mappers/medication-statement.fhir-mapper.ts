// PumpWatch infusion program -> FHIR MedicationStatement: intrathecal baclofen at the program's daily rate and the concentration filled.
import type { Dosage, Medication, MedicationStatement } from '@medplum/fhirtypes';
import type { Fill, Program, Pump } from '@pumpwatch/shared';
import { BACLOFEN, INTRATHECAL_ROUTE, UCUM } from '../fhir-systems';
import { deviceRef, patientRef } from './fhir-references';

export type ProgramStatementStatus = 'active' | 'completed' | 'intended';
export const MEDICATION_STATEMENT_STATUSES: readonly ProgramStatementStatus[] = ['active', 'completed', 'intended'];

/**
 * Each program of the pump, in force from its `effectiveFrom` until the next one's: the one in force now on an active pump is
 * 'active', one that starts later 'intended', every other (superseded, or its pump explanted) 'completed'.
 */
export function toFhirMedicationStatements(pump: Pump, programs: Program[], fills: Fill[], nowMs: number): MedicationStatement[] {
  const ordered = [...programs].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom));
  const explantedMs = pump.explantedAt ? Date.parse(pump.explantedAt) : null;
  return ordered.map((program, i) => {
    const fromMs = Date.parse(program.effectiveFrom);
    const nextFrom = ordered[i + 1]?.effectiveFrom ?? null;
    const endMs = Math.min(nextFrom ? Date.parse(nextFrom) : Number.POSITIVE_INFINITY, explantedMs ?? Number.POSITIVE_INFINITY);
    const status: ProgramStatementStatus = fromMs > nowMs && explantedMs === null ? 'intended' : endMs <= nowMs ? 'completed' : 'active';
    // The concentration the pump held while the program was last in force: the latest fill before its end (or before now).
    const concentrationFill = latestFillBefore(fills, Math.min(endMs, Math.max(nowMs, fromMs)));
    return {
      resourceType: 'MedicationStatement',
      id: program.id,
      meta: { lastUpdated: program.createdAt },
      status,
      // With a fill, the concentration is the contained Medication's strength; without one only the drug is known.
      ...(concentrationFill
        ? {
            contained: [baclofenAt(concentrationFill.concentrationMcgPerMl)],
            medicationReference: {
              reference: `#${CONTAINED_MEDICATION_ID}`,
              display: `baclofen ${concentrationFill.concentrationMcgPerMl} mcg/mL`,
            },
          }
        : { medicationCodeableConcept: { coding: [BACLOFEN], text: 'baclofen' } }),
      subject: patientRef(pump.patientId),
      // A program set to start after its pump was explanted never ran: its period has no end before its start.
      effectivePeriod: {
        start: program.effectiveFrom,
        ...(Number.isFinite(endMs) && endMs >= fromMs ? { end: new Date(endMs).toISOString() } : {}),
      },
      dateAsserted: program.createdAt,
      derivedFrom: [deviceRef(pump.id, pump.serialNumber)],
      ...(program.doseChangeReason ? { note: [{ text: `dose change reason: ${program.doseChangeReason}` }] } : {}),
      dosage: [dosageOf(program, concentrationFill)],
    };
  });
}

function latestFillBefore(fills: Fill[], atMs: number): Fill | null {
  let latest: Fill | null = null;
  for (const fill of fills) {
    const ms = Date.parse(fill.filledAt);
    if (ms < atMs && (!latest || ms > Date.parse(latest.filledAt))) latest = fill;
  }
  return latest;
}

function dosageOf(program: Program, fill: Fill | null): Dosage {
  const steps = program.steps.map((s) => `${s.startTime} ${s.doseMcgPerDay} mcg/day`).join(', ');
  const boluses = program.periodicBoluses.map((b) => `${b.time} bolus ${b.doseMcg} mcg`).join(', ');
  const patientBolus = program.patientBolus
    ? `patient bolus ${program.patientBolus.doseMcg} mcg up to ${program.patientBolus.maxPerDay} a day`
    : '';
  const concentration = fill ? `; concentration ${fill.concentrationMcgPerMl} mcg/mL` : '';
  return {
    text: `${[steps, boluses, patientBolus].filter((part) => part.length > 0).join('; ')}${concentration}`,
    route: { coding: [INTRATHECAL_ROUTE] },
    method: { text: 'continuous infusion by implanted programmable pump' },
    doseAndRate: [
      {
        // The nominal daily dose: steps weighted by their hours plus periodic boluses.
        rateQuantity: { value: program.doseMcgPerDay, unit: 'mcg/d', system: UCUM, code: 'ug/d' },
      },
    ],
  };
}

const CONTAINED_MEDICATION_ID = 'baclofen';

/** Baclofen solution at the filled concentration (mcg per mL, UCUM ug/mL). */
function baclofenAt(concentrationMcgPerMl: number): Medication {
  return {
    resourceType: 'Medication',
    id: CONTAINED_MEDICATION_ID,
    code: { coding: [BACLOFEN], text: `baclofen intrathecal ${concentrationMcgPerMl} mcg/mL` },
    ingredient: [
      {
        itemCodeableConcept: { coding: [BACLOFEN] },
        isActive: true,
        strength: {
          numerator: { value: concentrationMcgPerMl, unit: 'mcg', system: UCUM, code: 'ug' },
          denominator: { value: 1, unit: 'mL', system: UCUM, code: 'mL' },
        },
      },
    ],
  };
}
