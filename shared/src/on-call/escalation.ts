// Escalation of an unacknowledged alert: who each level of the clinic's policy reaches now, and when the next page is due.
import type { EscalationLevel, EscalationTarget } from './on-call-contracts';
import { MINUTE_MS } from '../time-units';

/** What the escalation rules read of a clinic's policy (the API's EscalationPolicy fits). */
export interface EscalationPolicyRules {
  levels: readonly EscalationLevel[];
  repeatTopLevelEveryMinutes: number;
  urgentPageAfterMinutes: number;
}

/** One person a page can reach: a clinician (pager contact) and/or a user (in-app). Contact data: never log it. */
export interface PageRecipient {
  clinicianId: string | null;
  userId: string | null;
  displayName: string;
  pagerContact: string | null;
}

export interface EscalationLevelReach<R> {
  /** Index in the policy's levels. */
  level: number;
  target: EscalationTarget;
  afterMinutes: number;
  recipients: R[];
  /** False when nobody fills this level now (no shift covering, no administrator): a page due here goes to the next level. */
  reachable: boolean;
}

export interface EscalationPlan<R> {
  levels: EscalationLevelReach<R>[];
  /** No primary on call: the on_call level reaches nobody. */
  noOneOnCall: boolean;
  /** The level the first page goes to: the first reachable one; null when no level reaches anybody. */
  startLevel: number | null;
}

/** Who is on call at the instant the plan is made, as recipients. */
export interface RosterRecipients<R> {
  primary: readonly R[];
  backup: readonly R[];
}

/**
 * Every level of the policy, in order, with who it reaches given the roster at one instant. Recompute it at each page:
 * a shift that starts between two pages changes who the next one reaches.
 */
export function escalationTargets<R>(
  policy: EscalationPolicyRules,
  roster: RosterRecipients<R>,
  clinicAdmins: readonly R[],
): EscalationPlan<R> {
  const reached: Record<EscalationTarget, readonly R[]> = { on_call: roster.primary, backup: roster.backup, clinic_admins: clinicAdmins };
  const levels = policy.levels.map((level, index): EscalationLevelReach<R> => {
    const recipients = [...reached[level.target]];
    return { level: index, target: level.target, afterMinutes: level.afterMinutes, recipients, reachable: recipients.length > 0 };
  });
  const plan: EscalationPlan<R> = { levels, noOneOnCall: roster.primary.length === 0, startLevel: null };
  plan.startLevel = levelToPage(plan, 0)?.level ?? null;
  return plan;
}

/**
 * When paging starts for an alert: critical at once, urgent after the clinic's setting if still unacknowledged, warnings
 * never (issue 5). Escalation steps count from this instant.
 */
export function pagingStartsAt(policy: EscalationPolicyRules, severity: 'critical' | 'urgent' | 'warning', raisedAt: Date): Date | null {
  if (severity === 'critical') return new Date(raisedAt.getTime());
  if (severity === 'urgent') return new Date(raisedAt.getTime() + policy.urgentPageAfterMinutes * MINUTE_MS);
  return null;
}

function assertStep(policy: EscalationPolicyRules, step: number): void {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a whole number 0 or more, got ${step}`);
  if (policy.levels.length === 0) throw new RangeError('the policy has no level');
}

/**
 * Steps of the schedule: step k < n is level k, due `afterMinutes` after paging started; every step after n - 1 repeats
 * the top level, `repeatTopLevelEveryMinutes` after the one before. A closed form, so a stored (alert, step, dueAt) row
 * is recomputed identically after a restart.
 */
export function escalationStepDueAt(policy: EscalationPolicyRules, pagingStartedAt: Date, step: number): Date {
  assertStep(policy, step);
  const top = policy.levels.length - 1;
  const minutes =
    step <= top ? policy.levels[step].afterMinutes : policy.levels[top].afterMinutes + (step - top) * policy.repeatTopLevelEveryMinutes;
  return new Date(pagingStartedAt.getTime() + minutes * MINUTE_MS);
}

/** When the step after `step` is due, if the alert is still unacknowledged then. */
export function nextEscalationAt(policy: EscalationPolicyRules, pagingStartedAt: Date, step: number): Date {
  assertStep(policy, step);
  return escalationStepDueAt(policy, pagingStartedAt, step + 1);
}

export interface PageDecision<R> {
  /** The level whose recipients get this page. */
  level: number;
  recipients: R[];
  /**
   * The step this page counts as. Skipping empty levels moves the schedule forward (no one on call at step 0 pages the
   * backup at once, counted as step 1, so the level after it keeps its own time); store it and ask nextEscalationAt.
   */
  step: number;
}

/**
 * Where a page due at `step` goes. The step's level when someone fills it; otherwise the next reachable level above it
 * ("no one on call: paging starts at the next level"); when none above is reachable, the highest reachable below it, so a
 * due page always reaches somebody who can act. null only when no level reaches anybody: record that as a failed page.
 */
export function levelToPage<R>(plan: EscalationPlan<R>, step: number): PageDecision<R> | null {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a whole number 0 or more, got ${step}`);
  const top = plan.levels.length - 1;
  if (top < 0) return null;
  const due = Math.min(step, top);
  for (let level = due; level <= top; level++) {
    const reach = plan.levels[level];
    if (reach.reachable) return { level, recipients: reach.recipients, step: Math.max(step, level) };
  }
  for (let level = due - 1; level >= 0; level--) {
    const reach = plan.levels[level];
    if (reach.reachable) return { level, recipients: reach.recipients, step };
  }
  return null;
}
