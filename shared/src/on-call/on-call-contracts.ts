// Clinicians, on-call shifts and escalation policies: request schemas (zod) and response shapes of the on-call API.
import { z } from 'zod';
import { isoInstant } from '../contracts';
import { clinicText, identifier } from '../text-fields';

const uuid = z.uuid({ message: 'must be a UUID' });
const MINUTES_PER_DAY = 24 * 60;

export const CLINICIAN_PROFESSIONS = ['nurse', 'physician'] as const;
export type ClinicianProfession = (typeof CLINICIAN_PROFESSIONS)[number];

/** `primary` is paged first; `backup` is the next level of the escalation policy. */
export const ON_CALL_TIERS = ['primary', 'backup'] as const;
export type OnCallTier = (typeof ON_CALL_TIERS)[number];

/** Who a level of the escalation policy reaches: the primary on-call clinicians, the backup ones, the clinic's administrators. */
export const ESCALATION_TARGETS = ['on_call', 'backup', 'clinic_admins'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

const displayName = clinicText(200, { min: 1 });
// A phone or pager number, or a short note on how to reach the person: contact data, never logged.
const pagerContact = clinicText(200, { min: 1, minMessage: 'must not be empty (send null to clear it)' });

export const createClinicianSchema = z.object({
  clinicId: uuid,
  displayName,
  profession: z.enum(CLINICIAN_PROFESSIONS, { message: `must be one of ${CLINICIAN_PROFESSIONS.join(', ')}` }),
  /** The clinician's PumpWatch account, which must hold a role in the clinic (in-app pages reach it). */
  userId: uuid.nullable().optional(),
  pagerContact: pagerContact.nullable().optional(),
});
export type CreateClinicianRequest = z.infer<typeof createClinicianSchema>;

const CLINICIAN_CHANGEABLE = ['displayName', 'pagerContact', 'active'] as const;

// Loose, then checked by name: a field that cannot change here (clinicId, profession, userId) is refused naming that field
// rather than silently ignored.
export const updateClinicianSchema = z
  .looseObject({
    displayName: displayName.optional(),
    pagerContact: pagerContact.nullable().optional(),
    /** false deactivates the clinician (never deleted: shifts and audit rows keep naming them). */
    active: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .superRefine((update, ctx) => {
    const unknown = Object.keys(update).filter((key) => !(CLINICIAN_CHANGEABLE as readonly string[]).includes(key));
    for (const key of unknown)
      ctx.addIssue({ code: 'custom', path: [key], message: `cannot be changed here (only ${CLINICIAN_CHANGEABLE.join(', ')})` });
    if (unknown.length === 0 && CLINICIAN_CHANGEABLE.every((key) => update[key] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: `must change at least one of ${CLINICIAN_CHANGEABLE.join(', ')}` });
    }
  })
  .transform(({ displayName: name, pagerContact: contact, active }) => ({ displayName: name, pagerContact: contact, active }));
export type UpdateClinicianRequest = z.infer<typeof updateClinicianSchema>;

export const createOnCallShiftSchema = z
  .object({
    clinicianId: uuid,
    startsAt: isoInstant,
    endsAt: isoInstant,
    tier: z.enum(ON_CALL_TIERS, { message: `must be one of ${ON_CALL_TIERS.join(', ')}` }).default('primary'),
  })
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), { message: 'must be after startsAt', path: ['endsAt'] });
export type CreateOnCallShiftRequest = z.input<typeof createOnCallShiftSchema>;

export const onCallShiftQuerySchema = z
  .object({
    clinicId: identifier(64).optional(),
    /** Shifts that end after `from` (default now) and start before `to` (default: no limit). */
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    includeCancelled: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.to) > Date.parse(q.from), {
    message: 'must be after from',
    path: ['to'],
  });
export type OnCallShiftQuery = z.output<typeof onCallShiftQuerySchema>;

export const onCallNowQuerySchema = z.object({ at: isoInstant.optional() });

export const escalationLevelSchema = z.object({
  target: z.enum(ESCALATION_TARGETS, { message: `must be one of ${ESCALATION_TARGETS.join(', ')}` }),
  /** Minutes after paging starts (not after the previous level). */
  afterMinutes: z
    .number()
    .int('must be whole minutes')
    .min(0, 'must be 0 or more')
    .max(MINUTES_PER_DAY, `must be at most ${MINUTES_PER_DAY}`),
});
export type EscalationLevel = z.infer<typeof escalationLevelSchema>;

export const escalationPolicySchema = z
  .object({
    levels: z
      .array(escalationLevelSchema)
      .min(1, 'needs at least one level')
      .max(ESCALATION_TARGETS.length, `has at most ${ESCALATION_TARGETS.length} levels, one per target`),
    repeatTopLevelEveryMinutes: z
      .number()
      .int('must be whole minutes')
      .min(1, 'must be at least 1')
      .max(MINUTES_PER_DAY, `must be at most ${MINUTES_PER_DAY}`),
    /** Urgent alerts page when still unacknowledged this long after they were raised (critical alerts page at once). */
    urgentPageAfterMinutes: z
      .number()
      .int('must be whole minutes')
      .min(0, 'must be 0 or more')
      .max(MINUTES_PER_DAY, `must be at most ${MINUTES_PER_DAY}`),
  })
  .superRefine((policy, ctx) => {
    const levels = policy.levels;
    // Critical alerts page at once (issue 5): the first level cannot wait.
    if (levels.length > 0 && levels[0].afterMinutes !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['levels', 0, 'afterMinutes'],
        message: 'must be 0: the first level is paged as soon as paging starts',
      });
    }
    const seen = new Set<string>();
    levels.forEach((level, i) => {
      if (seen.has(level.target))
        ctx.addIssue({ code: 'custom', path: ['levels', i, 'target'], message: 'is already a level of this policy' });
      seen.add(level.target);
      if (i > 0 && level.afterMinutes <= levels[i - 1].afterMinutes) {
        ctx.addIssue({ code: 'custom', path: ['levels', i, 'afterMinutes'], message: 'must be later than the level before it' });
      }
    });
  });
export type EscalationPolicyRequest = z.infer<typeof escalationPolicySchema>;

// ---- Response shapes ----

export interface Clinician {
  id: string;
  clinicId: string;
  displayName: string;
  profession: ClinicianProfession;
  userId: string | null;
  pagerContact: string | null;
  active: boolean;
  createdAt: string;
}

/** A shift covers [startsAt, endsAt): the start instant is inside it, the end instant belongs to the next shift. */
export interface OnCallShift {
  id: string;
  clinicId: string;
  clinicianId: string;
  tier: OnCallTier;
  startsAt: string;
  endsAt: string;
  /** Cancelled shifts stay as history; from this instant the shift covers nothing. */
  cancelledAt: string | null;
  createdAt: string;
}

export interface EscalationPolicy {
  clinicId: string;
  levels: EscalationLevel[];
  repeatTopLevelEveryMinutes: number;
  urgentPageAfterMinutes: number;
  /** True while the clinic has not set its own policy (PumpWatch's default applies). */
  isDefault: boolean;
  updatedAt: string | null;
}

/** GET /api/clinics/:id/on-call-now: what the dashboard's "no one on call" banner reads. */
export interface OnCallNow {
  at: string;
  primary: Clinician[];
  backup: Clinician[];
  /** No primary shift covers `at`: paging then starts at the next level of the policy. */
  noOneOnCall: boolean;
}
