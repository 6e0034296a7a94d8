// A deterministic demo clinic: ~40 pumps on a normal clinic day relative to "now": most OK, a few due within three weeks, one due
// tomorrow, none overdue or without a forecast.
import {
  DRUG_CONFIG,
  PatientBolus,
  PeriodicBolus,
  ProgramStep,
  PUMP_MODELS,
  PumpModelId,
  programDoseMcgPerDay,
  Sex,
  Urgency,
} from '@pumpwatch/shared';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { DAY_MS, DEFAULT_DRUG_LIBRARY } from '@pumpwatch/shared';
import type { ClinicEntity } from '../clinics/clinic.entity';
import type { FillEntity } from '../fills/fill.entity';
import { expectedResidualAt } from '../fills/fills.service';
import type { PatientEntity } from '../patients/patient.entity';
import type { ProgramEntity } from '../programs/program.entity';
import type { PumpEntity } from '../pumps/pump.entity';
import { seededSequence } from '@pumpwatch/shared';

export const DEMO_CLINIC = { name: 'Demo Spasticity Clinic', timeZone: 'Europe/Paris' } as const;

export interface DemoFleet {
  clinic: ClinicEntity;
  patients: PatientEntity[];
  pumps: PumpEntity[];
  fills: FillEntity[];
  programs: ProgramEntity[];
}

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
  'Elise',
  'Marius',
  'Agathe',
];
const LAST_NAMES = [
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
  'Lefebvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'Andre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'Francois',
  'Martinez',
  'Legrand',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guerin',
  'Muller',
  'Henry',
  'Roussel',
  'Nicolas',
  'Perrin',
  'Morin',
];

type DemoTarget = Extract<Urgency, 'critical' | 'urgent' | 'warning' | 'ok'>;

/**
 * Target band of each pump besides 'ok'; the sequence is shuffled into the patient list by the generator. A normal day (issue 12):
 * a few pumps due this week or within the warning horizon, one due tomorrow, none overdue and none without a forecast.
 */
const TARGETS: DemoTarget[] = ['critical', 'urgent', 'urgent', 'urgent', 'warning', 'warning', 'warning', 'warning', 'warning', 'warning'];
const PUMP_COUNT = 40;
/**
 * The one pump due tomorrow: a low-dose patient on 2000 mcg/mL, so that its deadline comes from drug stability or a slow reservoir
 * and even its worst case keeps it days from empty (no withdrawal-risk alert on a normal day).
 */
const DUE_TOMORROW_INDEX = 9;

interface PumpPlan {
  modelId: PumpModelId;
  capacityMl: number;
  alarmMl: number;
  flowRateMlPerDay: number | null;
  doseMcgPerDay: number;
  concentrationMcgPerMl: number;
  steps: ProgramStep[];
  periodicBoluses: PeriodicBolus[];
  patientBolus: PatientBolus | null;
}

export function buildDemoFleet(now: Date, seed = 20261125): DemoFleet {
  const random = seededSequence(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (min: number, max: number): number => min + random() * (max - min);
  const nowMs = now.getTime();
  const zone = DEMO_CLINIC.timeZone;
  const dateIn = (ms: number): string => DateTime.fromMillis(ms, { zone }).toISODate() as string;
  // Refills happen in clinic hours: move an instant to a weekday-agnostic 09:00-16:59 local time of its day.
  const inClinicHours = (ms: number): number => {
    const local = DateTime.fromMillis(ms, { zone }).set({
      hour: 9 + Math.floor(random() * 8),
      minute: Math.floor(random() * 12) * 5,
      second: 0,
      millisecond: 0,
    });
    return Math.min(local.toMillis(), nowMs - 3_600_000);
  };

  const clinic = { id: randomUUID(), name: DEMO_CLINIC.name, timeZone: DEMO_CLINIC.timeZone, createdAt: now } as ClinicEntity;
  const patients: PatientEntity[] = [];
  const pumps: PumpEntity[] = [];
  const fills: FillEntity[] = [];
  const programs: ProgramEntity[] = [];

  const targets: DemoTarget[] = TARGETS.filter((t) => t !== 'critical');
  while (targets.length < PUMP_COUNT - 1) targets.push('ok');
  for (let i = targets.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [targets[i], targets[j]] = [targets[j], targets[i]];
  }
  targets.splice(DUE_TOMORROW_INDEX, 0, 'critical');

  for (let i = 0; i < PUMP_COUNT; i++) {
    const target = targets[i];
    const plan = planPump(i, random, pick, between);
    const sex: Sex = random() < 0.5 ? 'female' : 'male';
    const birthYear = 1950 + Math.floor(random() * 55);
    const patient = {
      id: randomUUID(),
      clinicId: clinic.id,
      mrn: `PW${String(104_213 + i * 7_919).padStart(6, '0')}`,
      displayName: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(i * 7) % LAST_NAMES.length]}`,
      birthDate: `${birthYear}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      sex,
      weightKg: Math.round(between(45, 95)),
      createdAt: now,
      // Recorded, as a clinic does (issue 13): every third patient cerebral when the dose fits the drug library's cerebral range.
      spasticityOrigin: i % 3 === 1 && withinCerebralRange(plan) ? 'cerebral' : 'spinal',
    } as PatientEntity;
    patients.push(patient);

    const worstDailyVolumeMl =
      plan.flowRateMlPerDay ??
      (plan.doseMcgPerDay + (plan.patientBolus ? plan.patientBolus.doseMcg * plan.patientBolus.maxPerDay : 0)) / plan.concentrationMcgPerMl;
    const fillVolumeMl = Math.min(plan.capacityMl, Math.round((plan.capacityMl - between(0, 1.5)) * 10) / 10);
    const daysToAlarm = (fillVolumeMl - plan.alarmMl) / worstDailyVolumeMl;
    const daysToDeadline = Math.min(daysToAlarm, DRUG_CONFIG.defaultStabilityDays);
    // Moving the fill into clinic hours shifts these by up to 16 h: the pump due tomorrow stays within (0, 2] days, whatever the hour.
    const daysLeft =
      target === 'critical'
        ? between(1, 1.3)
        : target === 'urgent'
          ? between(3.5, 6)
          : target === 'warning'
            ? between(9, 19)
            : between(24, Math.max(25, daysToDeadline - 3));
    const elapsedDays = Math.max(0.5, daysToDeadline - daysLeft);
    const lastFillMs = inClinicHours(nowMs - elapsedDays * DAY_MS);

    // Earlier refills, each a little before the previous deadline, as a careful clinic does.
    const previousCount = 1 + Math.floor(random() * 3);
    const fillTimes: number[] = [];
    let t = lastFillMs;
    for (let k = 0; k < previousCount; k++) {
      t = inClinicHours(t - daysToDeadline * between(0.8, 0.95) * DAY_MS);
      fillTimes.unshift(t);
    }
    fillTimes.push(lastFillMs);
    const implantMs = fillTimes[0] - Math.floor(between(1, 400)) * DAY_MS;

    // One patient had a pump replaced at battery end of life: the old pump keeps its history.
    let replacesPumpId: string | null = null;
    if (i === 3) {
      const old = oldPumpWithHistory(clinic, patient, implantMs, random, between, dateIn, inClinicHours);
      pumps.push(old.pump);
      fills.push(...old.fills);
      programs.push(...old.programs);
      replacesPumpId = old.pump.id;
    }

    const serialPrefix = plan.modelId.startsWith('synchromed') ? 'NGP' : plan.modelId.startsWith('prometra') ? 'PMT' : 'CF';
    const pump = {
      id: randomUUID(),
      patientId: patient.id,
      clinicId: clinic.id,
      modelId: plan.modelId,
      serialNumber: `${serialPrefix}${String(300_000 + i * 1_237).padStart(7, '0')}`,
      implantDate: dateIn(implantMs),
      reservoirCapacityMl: plan.capacityMl,
      lowReservoirAlarmMl: plan.alarmMl,
      flowRateMlPerDay: plan.flowRateMlPerDay,
      explantedAt: null,
      explantReason: null,
      replacesPumpId,
      createdAt: now,
    } as PumpEntity;
    pumps.push(pump);

    const pumpPrograms: ProgramEntity[] = [];
    if (plan.flowRateMlPerDay === null) {
      // Titration at refills: the earlier program ran about 10% lower, the current one started at the last refill.
      const firstProgramMs = Math.max(implantMs + DAY_MS / 2, fillTimes[0] - 3_600_000);
      const earlierScale = fillTimes.length > 1 ? 0.9 : 1;
      pumpPrograms.push(
        programOf(pump.id, firstProgramMs, scaleSteps(plan.steps, earlierScale), plan.periodicBoluses, plan.patientBolus, now),
      );
      if (fillTimes.length > 1)
        pumpPrograms.push(programOf(pump.id, lastFillMs + 15 * 60_000, plan.steps, plan.periodicBoluses, plan.patientBolus, now));
    }
    programs.push(...pumpPrograms);

    const pumpFills: FillEntity[] = [];
    for (const filledAtMs of fillTimes) {
      const fill = {
        id: randomUUID(),
        pumpId: pump.id,
        filledAt: new Date(filledAtMs),
        drug: 'baclofen',
        concentrationMcgPerMl: plan.concentrationMcgPerMl,
        volumeMl: fillVolumeMl,
        aspiratedResidualMl: null,
        stabilityDays: DRUG_CONFIG.defaultStabilityDays,
        bridgeBolus: null,
        expectedResidualMl: null,
        patientBolusCountSinceLastFill: null,
        doseChangeReason: null,
        createdAt: now,
      } as FillEntity;
      const expected = expectedResidualAt({ pump, clinic, fills: pumpFills, programs: pumpPrograms }, fill.filledAt);
      fill.expectedResidualMl = expected;
      // What the nurse aspirates is close to the forecast, within the pump's accuracy.
      if (expected !== null) fill.aspiratedResidualMl = Math.max(0, Math.round((expected + between(-0.6, 0.6)) * 10) / 10);
      pumpFills.push(fill);
    }
    fills.push(...pumpFills);
  }
  return { clinic, patients, pumps, fills, programs };
}

function planPump(
  index: number,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
  between: (min: number, max: number) => number,
): PumpPlan {
  if (index === 5 || index === 17) {
    // Constant-flow pumps: flow and capacity from the device label (Codman 3000 sizes).
    const capacityMl = index === 5 ? 35 : 50;
    return {
      modelId: 'constant-flow',
      capacityMl,
      alarmMl: PUMP_MODELS['constant-flow'].defaultLowReservoirAlarmMl,
      flowRateMlPerDay: index === 5 ? 0.5 : 1,
      doseMcgPerDay: 0,
      concentrationMcgPerMl: index === 5 ? 500 : 500,
      steps: [],
      periodicBoluses: [],
      patientBolus: null,
    };
  }
  const roll = random();
  const modelId: PumpModelId =
    index % 6 === 2 ? pick(['prometra-ii-20', 'prometra-ii-40'] as const) : roll < 0.4 ? 'synchromed-ii-20' : 'synchromed-ii-40';
  const model = PUMP_MODELS[modelId];
  const capacityMl = model.reservoirCapacityMl as number;
  // Some clinics raise the SynchroMed alarm to 4 mL after withdrawal with more left (Neurosurgery 2004).
  const alarmMl = modelId.startsWith('synchromed') && random() < 0.2 ? 4 : model.defaultLowReservoirAlarmMl;
  // Two low-dose patients on 2000 mcg/mL: their deadline is the 180-day drug stability, not the reservoir. One of them is due tomorrow.
  const lowDoseStable = index === DUE_TOMORROW_INDEX || index === 31;
  const baseDose = lowDoseStable ? Math.round(between(100, 180) / 10) * 10 : Math.round(between(100, 800) / 10) * 10;

  let steps: ProgramStep[] = [{ startTime: '00:00', doseMcgPerDay: baseDose }];
  let periodicBoluses: PeriodicBolus[] = [];
  const style = lowDoseStable ? 1 : random();
  if (style < 0.3) {
    const variants: ProgramStep[][] = [
      [
        { startTime: '00:00', doseMcgPerDay: Math.round(baseDose * 0.8) },
        { startTime: '07:00', doseMcgPerDay: Math.round(baseDose * 1.2) },
      ],
      [
        { startTime: '00:00', doseMcgPerDay: Math.round(baseDose * 0.9) },
        { startTime: '06:30', doseMcgPerDay: Math.round(baseDose * 1.15) },
        { startTime: '22:00', doseMcgPerDay: Math.round(baseDose * 0.9) },
      ],
      [
        { startTime: '00:00', doseMcgPerDay: Math.round(baseDose * 0.85) },
        { startTime: '06:00', doseMcgPerDay: Math.round(baseDose * 1.1) },
        { startTime: '14:00', doseMcgPerDay: baseDose },
        { startTime: '21:00', doseMcgPerDay: Math.round(baseDose * 0.95) },
      ],
    ];
    steps = pick(variants);
  } else if (style < 0.5) {
    const bolusMcg = Math.round((baseDose * 0.1) / 5) * 5 || 10;
    periodicBoluses =
      random() < 0.5
        ? [{ time: '08:00', doseMcg: bolusMcg }]
        : [
            { time: '07:30', doseMcg: bolusMcg },
            { time: '19:30', doseMcg: bolusMcg },
          ];
    steps = [{ startTime: '00:00', doseMcgPerDay: Math.max(50, baseDose - periodicBoluses.reduce((s, b) => s + b.doseMcg, 0)) }];
  }
  const patientBolus: PatientBolus | null =
    modelId.startsWith('prometra') || random() < 0.15 ? { doseMcg: pick([20, 25, 40, 50]), maxPerDay: 2 + Math.floor(random() * 3) } : null;
  const doseMcgPerDay = programDoseMcgPerDay({ steps, periodicBoluses });
  // The clinic picks the lowest labelled concentration giving at least ~7 weeks between refills.
  const concentrationMcgPerMl = lowDoseStable
    ? 2000
    : ([500, 1000, 2000].find((c) => (capacityMl - alarmMl) / (doseMcgPerDay / c) >= 50) ?? 2000);
  return {
    modelId,
    capacityMl,
    alarmMl,
    flowRateMlPerDay: null,
    doseMcgPerDay,
    concentrationMcgPerMl,
    steps,
    periodicBoluses,
    patientBolus,
  };
}

/** Whether the plan's dose and every step's rate stay well within the default library's cerebral soft limit, with room to titrate. */
function withinCerebralRange(plan: PumpPlan): boolean {
  const soft = DEFAULT_DRUG_LIBRARY.dailyDoseMcgPerDay.cerebral.soft * 0.8;
  return plan.doseMcgPerDay <= soft && plan.steps.every((s) => s.doseMcgPerDay <= soft);
}

function scaleSteps(steps: ProgramStep[], factor: number): ProgramStep[] {
  return steps.map((s) => ({ startTime: s.startTime, doseMcgPerDay: Math.round((s.doseMcgPerDay * factor) / 5) * 5 }));
}

function programOf(
  pumpId: string,
  effectiveFromMs: number,
  steps: ProgramStep[],
  periodicBoluses: PeriodicBolus[],
  patientBolus: PatientBolus | null,
  now: Date,
): ProgramEntity {
  return {
    id: randomUUID(),
    pumpId,
    effectiveFrom: new Date(Math.floor(effectiveFromMs / 60_000) * 60_000),
    steps,
    periodicBoluses,
    patientBolus,
    doseMcgPerDay: programDoseMcgPerDay({ steps, periodicBoluses }),
    createdAt: now,
  } as ProgramEntity;
}

/** A SynchroMed II explanted at battery end of life on the day its successor was implanted, with two refills of history. */
function oldPumpWithHistory(
  clinic: ClinicEntity,
  patient: PatientEntity,
  replacementMs: number,
  random: () => number,
  between: (min: number, max: number) => number,
  dateIn: (ms: number) => string,
  inClinicHours: (ms: number) => number,
): { pump: PumpEntity; fills: FillEntity[]; programs: ProgramEntity[] } {
  const pump = {
    id: randomUUID(),
    patientId: patient.id,
    clinicId: clinic.id,
    modelId: 'synchromed-ii-20',
    serialNumber: `NGP${String(100_000 + Math.floor(random() * 90_000)).padStart(7, '0')}`,
    implantDate: dateIn(replacementMs - 6.5 * 365 * DAY_MS),
    reservoirCapacityMl: 20,
    lowReservoirAlarmMl: 2,
    flowRateMlPerDay: null,
    explantedAt: new Date(replacementMs),
    explantReason: 'replacement',
    replacesPumpId: null,
    createdAt: new Date(replacementMs),
  } as PumpEntity;
  const steps: ProgramStep[] = [{ startTime: '00:00', doseMcgPerDay: 300 }];
  const firstFillMs = inClinicHours(replacementMs - between(150, 170) * DAY_MS);
  const program = programOf(pump.id, firstFillMs - 3_600_000, steps, [], null, pump.createdAt);
  const fills: FillEntity[] = [];
  for (const filledAtMs of [firstFillMs, inClinicHours(firstFillMs + between(80, 90) * DAY_MS)]) {
    const fill = {
      id: randomUUID(),
      pumpId: pump.id,
      filledAt: new Date(filledAtMs),
      drug: 'baclofen',
      concentrationMcgPerMl: 1000,
      volumeMl: 20,
      aspiratedResidualMl: null,
      stabilityDays: DRUG_CONFIG.defaultStabilityDays,
      bridgeBolus: null,
      expectedResidualMl: null,
      patientBolusCountSinceLastFill: null,
      doseChangeReason: null,
      createdAt: pump.createdAt,
    } as FillEntity;
    fill.expectedResidualMl = expectedResidualAt({ pump, clinic, fills, programs: [program] }, fill.filledAt);
    if (fill.expectedResidualMl !== null) fill.aspiratedResidualMl = Math.max(0, Math.round((fill.expectedResidualMl - 0.3) * 10) / 10);
    fills.push(fill);
  }
  return { pump, fills, programs: [program] };
}
