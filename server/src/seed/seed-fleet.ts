// Seeds a load-test clinic of N pumps through the same use cases as the API (clinic, patient, pump, program, fill), spread by a seed.
import type { INestApplicationContext } from '@nestjs/common';
import { DAY_MS, DRUG_CONFIG, PUMP_MODELS, PumpModelId, seededSequence, Sex, URGENCY_CONFIG } from '@pumpwatch/shared';
import { DateTime } from 'luxon';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { ClinicsService } from '../clinics/clinics.service';
import { FillsService } from '../fills/fills.service';
import { Clock } from '../infra/clock';
import { PatientsService } from '../patients/patients.service';
import { ProgramsService } from '../programs/programs.service';
import { PumpsService } from '../pumps/pumps.service';

export interface SeedFleetOptions {
  pumps: number;
  /** Default: a new clinic "Load clinic <pumps>". */
  clinicName?: string;
  /** Same seed, same spread of models, doses, names and deadlines relative to the clock's "now". Default 1. */
  seed?: number;
  /** Default Europe/Paris. */
  timeZone?: string;
  /** Pumps set up at the same time (each pump's writes stay in order). Default 6: the pool has 10 connections. */
  concurrency?: number;
  /** Default the system actor (audited as 'system', as the demo seed is). */
  actor?: Actor;
  /** Called after each pump is complete. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeededFleet {
  clinicId: string;
  clinicName: string;
  /** Index i is the i-th planned pump (the same for the same seed, whatever the concurrency). */
  pumpIds: string[];
  patientIds: string[];
  /** The spread as planned: the target band of each pump, by index. */
  targets: SeedTarget[];
  /** "Now" of the app's clock when the plan was made: every deadline is placed relative to it. */
  plannedAt: Date;
  seconds: number;
}

/** Where a seeded pump's refill deadline falls; 'no_fill': registered and programmed, never filled (no forecast). */
export type SeedTarget = 'no_fill' | 'overdue' | 'critical' | 'urgent' | 'warning' | 'ok';

/** Share of each band besides 'ok' (a busy regional service: some overdue and unfilled pumps so every urgency shows up). */
const TARGET_SHARES: readonly [SeedTarget, number][] = [
  ['no_fill', 0.02],
  ['overdue', 0.02],
  ['critical', 0.04],
  ['urgent', 0.08],
  ['warning', 0.16],
];

const FIRST_NAMES = [
  'Camille',
  'Louis',
  'Chloé',
  'Hugo',
  'Léa',
  'Lucas',
  'Manon',
  'Gabriel',
  'Inès',
  'Arthur',
  'Jade',
  'Jules',
  'Sarah',
  'Adam',
  'Emma',
  'Nathan',
  'Alice',
  'Raphaël',
  'Lina',
  'Théo',
  'Zoé',
  'Paul',
  'Louise',
  'Tom',
  'Anna',
  'Noah',
  'Eva',
  'Ethan',
  'Rose',
  'Sacha',
  'Mila',
  'Victor',
  'Nina',
  'Martin',
  'Julia',
  'Samuel',
  'Margaux',
  'Simon',
  'Élise',
  'Marius',
  'Agathe',
  'Søren',
  'Zoë',
];
/** Surnames, accented ones included (the filter is accent- and case-insensitive). */
export const SEED_SURNAMES: readonly string[] = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'García',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martínez',
  'Legrand',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guérin',
  'Müller',
  'Henry',
  'Roussel',
  'Nicolas',
  'Perrin',
  'Morin',
  'Núñez',
  'Øster',
  'Schäfer',
  'Kowalczyk',
  "O'Brien",
  'Nguyen',
  'Haddad',
];

interface PumpPlan {
  index: number;
  target: SeedTarget;
  patient: { displayName: string; birthDate: string; sex: Sex; weightKg: number };
  modelId: PumpModelId;
  capacityMl: number;
  flowRateMlPerDay: number | null;
  /** Programmable pumps: one or two steps. */
  steps: { startTime: string; doseMcgPerDay: number }[];
  concentrationMcgPerMl: number;
  volumeMl: number;
  /** Days before "now" of the fill (null: never filled) and of the implant. */
  fillDaysAgo: number | null;
  implantDaysAgo: number;
}

/** The whole plan, drawn in one sequence before any write, so concurrency never changes what pump i gets. */
export function planSeedFleet(pumps: number, seed: number): PumpPlan[] {
  const random = seededSequence(seed);
  const between = (min: number, max: number): number => min + random() * (max - min);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const plans: PumpPlan[] = [];
  for (let index = 0; index < pumps; index++) {
    const roll = random();
    let cumulative = 0;
    let target: SeedTarget = 'ok';
    for (const [band, share] of TARGET_SHARES) {
      cumulative += share;
      if (roll < cumulative) {
        target = band;
        break;
      }
    }
    const patient = {
      displayName: `${pick(FIRST_NAMES)} ${pick(SEED_SURNAMES)}`,
      birthDate: `${1940 + Math.floor(random() * 65)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      sex: (random() < 0.5 ? 'female' : 'male') as Sex,
      weightKg: Math.round(between(45, 95)),
    };
    const modelRoll = random();
    const modelId: PumpModelId =
      modelRoll < 0.04
        ? 'constant-flow'
        : modelRoll < 0.4
          ? 'synchromed-ii-20'
          : modelRoll < 0.8
            ? 'synchromed-ii-40'
            : modelRoll < 0.9
              ? 'prometra-ii-20'
              : 'prometra-ii-40';
    const model = PUMP_MODELS[modelId];
    const alarmMl = model.defaultLowReservoirAlarmMl;
    let capacityMl: number;
    let flowRateMlPerDay: number | null = null;
    let steps: PumpPlan['steps'] = [];
    let concentrationMcgPerMl: number;
    let dailyVolumeMl: number;
    if (model.reservoirCapacityMl === null) {
      // Constant-flow sizes and rates of the device labels in use (Codman 3000: 35 or 50 mL, 0.5 or 1 mL/day).
      capacityMl = pick([35, 50]);
      flowRateMlPerDay = pick([0.5, 1]);
      concentrationMcgPerMl = 500;
      dailyVolumeMl = flowRateMlPerDay;
    } else {
      capacityMl = model.reservoirCapacityMl;
      const baseDose = Math.round(between(100, 800) / 10) * 10;
      steps =
        random() < 0.3
          ? [
              { startTime: '00:00', doseMcgPerDay: Math.round(baseDose * 0.85) },
              { startTime: '07:00', doseMcgPerDay: Math.round(baseDose * 1.15) },
            ]
          : [{ startTime: '00:00', doseMcgPerDay: baseDose }];
      const doseMcgPerDay = steps.reduce((sum, s, i) => {
        const endMinutes = i + 1 < steps.length ? minutesOf(steps[i + 1].startTime) : 24 * 60;
        return sum + (s.doseMcgPerDay * (endMinutes - minutesOf(s.startTime))) / (24 * 60);
      }, 0);
      // As the demo clinic does: the lowest labelled concentration giving at least ~7 weeks between refills.
      concentrationMcgPerMl = [500, 1000, 2000].find((c) => (capacityMl - alarmMl) / (doseMcgPerDay / c) >= 50) ?? 2000;
      dailyVolumeMl = doseMcgPerDay / concentrationMcgPerMl;
    }
    const volumeMl = Math.round((capacityMl - between(0, 1.5)) * 10) / 10;
    const daysToDeadline = Math.min((volumeMl - alarmMl) / dailyVolumeMl, DRUG_CONFIG.defaultStabilityDays);
    // Days from now to the refill deadline, inside the target's urgency band.
    const daysLeft =
      target === 'overdue'
        ? -between(0.5, 6)
        : target === 'critical'
          ? between(0.3, URGENCY_CONFIG.criticalDays - 0.2)
          : target === 'urgent'
            ? between(URGENCY_CONFIG.criticalDays + 0.3, URGENCY_CONFIG.urgentDays - 0.3)
            : target === 'warning'
              ? between(URGENCY_CONFIG.urgentDays + 0.3, URGENCY_CONFIG.warningDays - 0.3)
              : between(URGENCY_CONFIG.warningDays + 1, Math.max(URGENCY_CONFIG.warningDays + 2, daysToDeadline - 0.5));
    const fillDaysAgo = target === 'no_fill' ? null : Math.max(0.5, daysToDeadline - daysLeft);
    const implantDaysAgo = Math.ceil((fillDaysAgo ?? 0) + between(2, 900));
    plans.push({
      index,
      target,
      patient,
      modelId,
      capacityMl,
      flowRateMlPerDay,
      steps,
      concentrationMcgPerMl,
      volumeMl,
      fillDaysAgo,
      implantDaysAgo,
    });
  }
  return plans;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Registers a clinic and `pumps` patients, each with one pump, its program (programmable models) and, unless planned unfilled, one
 * fill: every write through the services the controllers call (validation, events, audit, alert evaluation as for an API call).
 */
export async function seedFleet(app: INestApplicationContext, options: SeedFleetOptions): Promise<SeededFleet> {
  if (!Number.isInteger(options.pumps) || options.pumps < 1) throw new Error('pumps must be a whole number of at least 1');
  const started = process.hrtime.bigint();
  const clinics = app.get(ClinicsService);
  const patients = app.get(PatientsService);
  const pumpsService = app.get(PumpsService);
  const programs = app.get(ProgramsService);
  const fills = app.get(FillsService);
  const clock = app.get(Clock);
  const actor = options.actor ?? SYSTEM_ACTOR;
  const timeZone = options.timeZone ?? 'Europe/Paris';
  const plannedAt = clock.now();
  const plans = planSeedFleet(options.pumps, options.seed ?? 1);
  const clinicName = options.clinicName ?? `Load clinic ${options.pumps}`;
  const clinic = await clinics.create(actor, { name: clinicName, timeZone });
  // Unique across runs (serial numbers are unique over every clinic); not part of the spread.
  const runTag = clinic.id.slice(0, 8).toUpperCase();
  const pumpIds: string[] = new Array(plans.length);
  const patientIds: string[] = new Array(plans.length);
  const nowMs = plannedAt.getTime();
  const isoDateDaysAgo = (days: number): string => DateTime.fromMillis(nowMs - days * DAY_MS, { zone: timeZone }).toISODate() as string;

  const seedOne = async (plan: PumpPlan): Promise<void> => {
    const number = String(plan.index + 1).padStart(6, '0');
    const patient = await patients.create(actor, {
      clinicId: clinic.id,
      mrn: `LOAD-${runTag}-${number}`,
      spasticityOrigin: 'spinal',
      ...plan.patient,
    });
    patientIds[plan.index] = patient.id;
    const pump = await pumpsService.create(actor, {
      patientId: patient.id,
      modelId: plan.modelId,
      serialNumber: `LD${runTag}${number}`,
      implantDate: isoDateDaysAgo(plan.implantDaysAgo),
      ...(plan.flowRateMlPerDay === null ? {} : { reservoirCapacityMl: plan.capacityMl, flowRateMlPerDay: plan.flowRateMlPerDay }),
    });
    pumpIds[plan.index] = pump.id;
    // Programmed on the implant day (10:00 clinic time), days before the fill.
    const programFromMs = DateTime.fromISO(isoDateDaysAgo(plan.implantDaysAgo), { zone: timeZone }).plus({ hours: 10 }).toMillis();
    if (plan.steps.length > 0) {
      await programs.set(actor, pump.id, { effectiveFrom: new Date(programFromMs).toISOString(), steps: plan.steps, periodicBoluses: [] });
    }
    if (plan.fillDaysAgo !== null) {
      const filledAtMs = Math.max(programFromMs + 60 * 60_000, Math.round(nowMs - plan.fillDaysAgo * DAY_MS));
      await fills.record(actor, pump.id, {
        filledAt: new Date(filledAtMs).toISOString(),
        drug: 'baclofen',
        concentrationMcgPerMl: plan.concentrationMcgPerMl,
        volumeMl: plan.volumeMl,
      });
    }
  };

  const concurrency = Math.max(1, Math.min(options.concurrency ?? 6, plans.length));
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plans.length) {
        const plan = plans[next++];
        await seedOne(plan);
        done++;
        options.onProgress?.(done, plans.length);
      }
    }),
  );
  return {
    clinicId: clinic.id,
    clinicName,
    pumpIds,
    patientIds,
    targets: plans.map((p) => p.target),
    plannedAt,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
