// Words and icons for booking timing, appointment status and planner reasons: never colour alone.
import type { AppointmentStatus, BookingTiming, UnplacedReason } from '@pumpwatch/shared';

export const TIMING_LABEL: Record<BookingTiming, { icon: string; text: string; late: boolean }> = {
  on_time: { icon: '✓', text: 'on time', late: false },
  after_margin: { icon: '⚠', text: 'after the booking margin', late: true },
  after_deadline: { icon: '✖', text: 'AFTER THE REFILL DEADLINE', late: true },
};

export const STATUS_LABEL: Record<AppointmentStatus, string> = {
  booked: 'booked',
  completed: 'completed',
  cancelled: 'cancelled',
  no_show: 'no-show',
};

export const UNPLACED_REASON_TEXT: Record<UnplacedReason, string> = {
  no_allowed_clinician: 'no clinician allowed for this pump',
  no_availability: 'no clinician has a free slot in the range',
  capacity_full: 'every free slot is taken by more urgent pumps',
};
