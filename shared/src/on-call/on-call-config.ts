// Defaults of the on-call roster and of a clinic's escalation policy, each with where it comes from.
import type { EscalationLevel } from './on-call-contracts';

export const ON_CALL_CONFIG = {
  // A week-long block is the longest on-call rota clinics commonly run; a longer entry is almost always a typing error (PumpWatch default).
  maxShiftHours: 7 * 24,
} as const;

/** The policy of a clinic that has not set its own. */
export const DEFAULT_ESCALATION_POLICY: {
  levels: readonly EscalationLevel[];
  repeatTopLevelEveryMinutes: number;
  urgentPageAfterMinutes: number;
} = {
  // Issue "Alerts that reach a person": unacknowledged, a page goes to the next level after 10 min and the top level repeats until acknowledged.
  levels: [
    { target: 'on_call', afterMinutes: 0 },
    { target: 'backup', afterMinutes: 10 },
    { target: 'clinic_admins', afterMinutes: 20 },
  ],
  repeatTopLevelEveryMinutes: 10,
  // Urgent (not critical) alerts wait half an hour for someone at the dashboard before anyone is paged (PumpWatch default, per clinic).
  urgentPageAfterMinutes: 30,
};
