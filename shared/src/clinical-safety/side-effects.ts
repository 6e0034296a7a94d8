// Side-effect reports: the request schema, and the alert a new or worsening mental-status change raises (possible neurotoxicity).
import { z } from 'zod';
import type { AlertFacts } from '../alerts/alert-contracts';
import { isoDate, isoInstant } from '../contracts';
import { clinicText } from '../text-fields';
import { NEUROTOXICITY_CONFIG, SIDE_EFFECT_CONFIG } from './clinical-safety-config';
import { instantMs } from './clinical-time';

export const SIDE_EFFECT_KINDS = ['sedation', 'drowsiness', 'confusion', 'memory_problems', 'altered_mental_status', 'other'] as const;
export type SideEffectKind = (typeof SIDE_EFFECT_KINDS)[number];
/** Mildest first. */
export const SIDE_EFFECT_SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export type SideEffectSeverity = (typeof SIDE_EFFECT_SEVERITIES)[number];
export const SIDE_EFFECT_REPORTERS = ['patient', 'staff'] as const;
export type SideEffectReporter = (typeof SIDE_EFFECT_REPORTERS)[number];

/** POST of a side-effect report (patient-reported or recorded by staff); `text` is required for 'other'. */
export const createSideEffectReportSchema = z
  .object({
    kind: z.enum(SIDE_EFFECT_KINDS, { message: `must be one of ${SIDE_EFFECT_KINDS.join(', ')}` }),
    severity: z.enum(SIDE_EFFECT_SEVERITIES, { message: `must be one of ${SIDE_EFFECT_SEVERITIES.join(', ')}` }),
    reportedAt: isoInstant,
    /** The day it began, when known. */
    onsetOn: isoDate.optional(),
    reportedBy: z.enum(SIDE_EFFECT_REPORTERS, { message: `must be one of ${SIDE_EFFECT_REPORTERS.join(', ')}` }),
    text: clinicText(2000, { min: 1, minMessage: 'must not be empty' }).optional(),
  })
  .superRefine((report, ctx) => {
    if (report.kind === 'other' && report.text === undefined)
      ctx.addIssue({ code: 'custom', path: ['text'], message: "is required when kind is 'other'" });
    // onsetOn is a calendar date; the day after reportedAt's UTC date leaves room for any clinic zone.
    if (
      report.onsetOn !== undefined &&
      !Number.isNaN(Date.parse(report.reportedAt)) &&
      Date.parse(`${report.onsetOn}T00:00:00Z`) > Date.parse(report.reportedAt) + 24 * 3600_000
    ) {
      ctx.addIssue({ code: 'custom', path: ['onsetOn'], message: 'must not be after reportedAt' });
    }
  });
export type CreateSideEffectReportRequest = z.infer<typeof createSideEffectReportSchema>;

/** What the rule needs of a stored report (the stored `SideEffectReport` fits). */
export interface SideEffectReportInput {
  /** A stored report's id: a previous report with the new report's id is the new report itself and is skipped. */
  id?: string;
  kind: SideEffectKind;
  severity: SideEffectSeverity;
  reportedAt: string;
}

export interface SideEffectReport extends SideEffectReportInput {
  id: string;
  patientId: string;
  onsetOn: string | null;
  reportedBy: SideEffectReporter;
  text: string | null;
  createdAt: string;
}

export interface MentalStatusAlert {
  kind: 'mental_status_change';
  severity: 'warning' | 'urgent';
  title: string;
  message: string;
  facts: AlertFacts;
}

const rank = (severity: SideEffectSeverity): number => SIDE_EFFECT_SEVERITIES.indexOf(severity);
const LABELS: Record<SideEffectKind, string> = {
  sedation: 'Sedation',
  drowsiness: 'Drowsiness',
  confusion: 'Confusion',
  memory_problems: 'Memory problems',
  altered_mental_status: 'Altered mental status',
  other: 'Other',
};

/** Whether a report counts as a mental-status change (SIDE_EFFECT_CONFIG.mentalStatusFromSeverity; 'other' never). */
export function isMentalStatusChange(report: Pick<SideEffectReportInput, 'kind' | 'severity'>): boolean {
  if (report.kind === 'other') return false;
  return rank(report.severity) >= rank(SIDE_EFFECT_CONFIG.mentalStatusFromSeverity[report.kind]);
}

/**
 * The alert a new report raises when it is a mental-status change that is new (no report of that kind in the 30 days before it) or
 * worse than the latest such report; null otherwise. Urgent, "Possible neurotoxicity", when the latest CrCl is below 50 mL/min, the
 * patient is 65 or older, or the report is severe (a severe change is an emergency whatever the cause); a warning otherwise.
 */
export function mentalStatusAlert(
  previousReports: SideEffectReportInput[],
  newReport: SideEffectReportInput,
  patient: { latestCrClMlPerMin: number | null; ageYears: number },
): MentalStatusAlert | null {
  if (!isMentalStatusChange(newReport)) return null;
  const newMs = instantMs('reportedAt', newReport.reportedAt);
  const fromMs = newMs - SIDE_EFFECT_CONFIG.sameKindLookbackDays * 24 * 3600_000;
  const sameKind = previousReports
    .filter((r) => r.kind === newReport.kind && (newReport.id === undefined || r.id !== newReport.id))
    .map((r, i) => ({ r, ms: instantMs(`previousReports.${i}.reportedAt`, r.reportedAt) }))
    .filter((x) => x.ms >= fromMs && x.ms <= newMs)
    .sort((a, b) => b.ms - a.ms);
  const latestSameKind = sameKind[0]?.r ?? null;
  if (latestSameKind !== null && rank(newReport.severity) <= rank(latestSameKind.severity)) return null;

  const reasons: string[] = [];
  if (patient.latestCrClMlPerMin !== null && patient.latestCrClMlPerMin < NEUROTOXICITY_CONFIG.riskBelowCrClMlPerMin) {
    reasons.push(`creatinine clearance ${patient.latestCrClMlPerMin} mL/min (below ${NEUROTOXICITY_CONFIG.riskBelowCrClMlPerMin})`);
  }
  if (patient.ageYears >= NEUROTOXICITY_CONFIG.riskAgeYears) reasons.push(`aged ${patient.ageYears}`);
  if (newReport.severity === 'severe') reasons.push('severe');
  const urgent = reasons.length > 0;
  const change =
    latestSameKind === null
      ? `New ${newReport.severity} ${LABELS[newReport.kind].toLowerCase()}`
      : `${LABELS[newReport.kind]} worse: ${latestSameKind.severity} to ${newReport.severity}`;
  const kidneys = patient.latestCrClMlPerMin === null ? ' Kidney function is unknown: check a serum creatinine.' : '';
  return {
    kind: 'mental_status_change',
    severity: urgent ? 'urgent' : 'warning',
    title: urgent ? 'Possible neurotoxicity' : 'Mental status change',
    message:
      `${change} (reported ${newReport.reportedAt.slice(0, 10)})${urgent ? `; ${reasons.join(', ')}` : ''}. ` +
      'Baclofen accumulating (overdose, failing kidneys) causes confusion and drowsiness; withdrawal also alters mental status: check the dose, ' +
      `kidney function and the pump's delivery.${kidneys}`,
    facts: {
      sideEffectKind: newReport.kind,
      sideEffectSeverity: newReport.severity,
      reportedAt: newReport.reportedAt,
      previousSeverity: latestSameKind?.severity ?? null,
      latestCrClMlPerMin: patient.latestCrClMlPerMin,
      ageYears: patient.ageYears,
    },
  };
}
