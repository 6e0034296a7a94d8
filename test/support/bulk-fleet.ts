// Test setup for fleet-scale tests: the load seed's planned fleet (planSeedFleet) written in a few bulk inserts, as the demo seed
// does, so a 5,000-pump clinic takes seconds; `npm run seed` is the path through the use cases, this is only the test's shortcut.
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DAY_MS, DRUG_CONFIG, PUMP_MODELS, programDoseMcgPerDay } from '@pumpwatch/shared';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../server/src/auth/actor';
import { ClinicsService } from '../../server/src/clinics/clinics.service';
import { EventLogService } from '../../server/src/events/event-log.service';
import { FillEntity } from '../../server/src/fills/fill.entity';
import { Clock } from '../../server/src/infra/clock';
import { PatientEntity } from '../../server/src/patients/patient.entity';
import { ProgramEntity } from '../../server/src/programs/program.entity';
import { PumpEntity } from '../../server/src/pumps/pump.entity';
import { planSeedFleet, type SeededFleet } from '../../server/src/seed/seed-fleet';

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for the widest entity. */
const CHUNK = 500;

/**
 * A clinic (through ClinicsService) and `pumps` patients with a pump, program and fill each, planned exactly as `seedFleet` plans
 * them, inserted in one transaction under one whole-clinic `demo.seeded` event: the fleet projector and the alert engine then
 * evaluate every pump of the clinic, as after the demo seed.
 */
export async function bulkLoadFleet(
  app: INestApplicationContext,
  options: { pumps: number; clinicName: string; seed?: number },
): Promise<SeededFleet> {
  const started = process.hrtime.bigint();
  const timeZone = 'Europe/Paris';
  const plannedAt = app.get(Clock).now();
  const nowMs = plannedAt.getTime();
  const plans = planSeedFleet(options.pumps, options.seed ?? 1);
  const clinic = await app.get(ClinicsService).create(SYSTEM_ACTOR, { name: options.clinicName, timeZone });
  const runTag = clinic.id.slice(0, 8).toUpperCase();
  const isoDateDaysAgo = (days: number): string => DateTime.fromMillis(nowMs - days * DAY_MS, { zone: timeZone }).toISODate() as string;
  const patients: PatientEntity[] = [];
  const pumps: PumpEntity[] = [];
  const programs: ProgramEntity[] = [];
  const fills: FillEntity[] = [];
  for (const plan of plans) {
    const number = String(plan.index + 1).padStart(6, '0');
    const patient = {
      id: randomUUID(),
      clinicId: clinic.id,
      mrn: `BULK-${runTag}-${number}`,
      spasticityOrigin: 'spinal',
      ...plan.patient,
      createdAt: plannedAt,
    } as PatientEntity;
    const pump = {
      id: randomUUID(),
      patientId: patient.id,
      clinicId: clinic.id,
      modelId: plan.modelId,
      serialNumber: `BK${runTag}${number}`,
      implantDate: isoDateDaysAgo(plan.implantDaysAgo),
      reservoirCapacityMl: plan.capacityMl,
      lowReservoirAlarmMl: PUMP_MODELS[plan.modelId].defaultLowReservoirAlarmMl,
      flowRateMlPerDay: plan.flowRateMlPerDay,
      explantedAt: null,
      explantReason: null,
      replacesPumpId: null,
      createdAt: plannedAt,
    } as PumpEntity;
    patients.push(patient);
    pumps.push(pump);
    const programFromMs = DateTime.fromISO(isoDateDaysAgo(plan.implantDaysAgo), { zone: timeZone }).plus({ hours: 10 }).toMillis();
    if (plan.steps.length > 0) {
      programs.push({
        id: randomUUID(),
        pumpId: pump.id,
        effectiveFrom: new Date(programFromMs),
        steps: plan.steps,
        periodicBoluses: [],
        patientBolus: null,
        doseMcgPerDay: programDoseMcgPerDay({ steps: plan.steps, periodicBoluses: [] }),
        doseChangeReason: null,
        doseChangeContext: null,
        limitOverrides: [],
        createdAt: plannedAt,
      } as ProgramEntity);
    }
    if (plan.fillDaysAgo !== null) {
      // Whole seconds, as the API stores fill instants.
      const filledAtMs = Math.floor(Math.max(programFromMs + 60 * 60_000, nowMs - plan.fillDaysAgo * DAY_MS) / 1000) * 1000;
      fills.push({
        id: randomUUID(),
        pumpId: pump.id,
        filledAt: new Date(filledAtMs),
        drug: 'baclofen',
        concentrationMcgPerMl: plan.concentrationMcgPerMl,
        volumeMl: plan.volumeMl,
        aspiratedResidualMl: null,
        stabilityDays: DRUG_CONFIG.defaultStabilityDays,
        bridgeBolus: null,
        expectedResidualMl: null,
        patientBolusCountSinceLastFill: null,
        doseChangeReason: null,
        limitOverrides: [],
        limitOverrideReason: null,
        createdAt: plannedAt,
      } as FillEntity);
    }
  }
  const events = app.get(EventLogService);
  await app.get(DataSource).transaction(async (manager) => {
    for (const [entity, rows] of [
      [PatientEntity, patients],
      [PumpEntity, pumps],
      [ProgramEntity, programs],
      [FillEntity, fills],
    ] as const) {
      for (let i = 0; i < rows.length; i += CHUNK) await manager.insert(entity, rows.slice(i, i + CHUNK) as never[]);
    }
    await events.record(manager, { type: 'demo.seeded', clinicId: clinic.id, pumpId: null, payload: { pumps: pumps.length } });
  });
  return {
    clinicId: clinic.id,
    clinicName: options.clinicName,
    pumpIds: pumps.map((p) => p.id),
    patientIds: patients.map((p) => p.id),
    targets: plans.map((p) => p.target),
    plannedAt,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
