// Check-ups: the effectiveness record (Modified Ashworth grade, patient's rating) and when the next clinical review is due.
import { z } from 'zod';
import { isoInstant } from '../contracts';
import { clinicText } from '../text-fields';
import { DomainError } from '../domain-error';
import { CHECK_UP_CONFIG, MODIFIED_ASHWORTH_SCORES } from './clinical-safety-config';
import { instantIn, instantMs } from './clinical-time';

export type ModifiedAshworthScore = (typeof MODIFIED_ASHWORTH_SCORES)[number];

export const createCheckUpSchema = z.object({
  at: isoInstant,
  modifiedAshworth: z.enum(MODIFIED_ASHWORTH_SCORES, { message: `must be one of ${MODIFIED_ASHWORTH_SCORES.join(', ')}` }),
  /** The patient's own rating of the effect, 0 (none) to 10 (best). */
  patientRating: z
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(CHECK_UP_CONFIG.patientRatingMax, `must be at most ${CHECK_UP_CONFIG.patientRatingMax}`),
  note: clinicText(2000).optional(),
});
export type CreateCheckUpRequest = z.infer<typeof createCheckUpSchema>;

/** The grade on a numeric axis for the chart: '1+' sits between 1 and 2. */
export function modifiedAshworthChartValue(score: ModifiedAshworthScore): number {
  return score === '1+' ? 1.5 : Number(score);
}

export interface ReviewDue {
  /** lastReviewAt plus the interval (calendar months in the clinic zone); null without a review on record. */
  dueAt: string | null;
  /** "Review due" on the dashboard: from 30 days before dueAt, or at once without a review on record. */
  due: boolean;
  /** Past dueAt: raise the alert. False without a review on record (the server may pass the implant date as the last review). */
  overdue: boolean;
}

export function reviewDue(
  lastReviewAt: string | null,
  intervalMonths: number = CHECK_UP_CONFIG.defaultReviewIntervalMonths,
  now: string,
  timeZone = 'UTC',
): ReviewDue {
  if (!Number.isInteger(intervalMonths) || intervalMonths < 1)
    throw DomainError.rule('reviewIntervalMonths', 'must be a whole number of months, at least 1');
  const nowMs = instantMs('now', now);
  if (lastReviewAt === null) return { dueAt: null, due: true, overdue: false };
  const dueAt = instantIn('lastReviewAt', lastReviewAt, timeZone).plus({ months: intervalMonths });
  const dueAtMs = dueAt.toMillis();
  return {
    dueAt: dueAt.toUTC().toISO() as string,
    due: nowMs >= dueAtMs - CHECK_UP_CONFIG.reviewDueSoonDays * 24 * 3600_000,
    overdue: nowMs > dueAtMs,
  };
}
