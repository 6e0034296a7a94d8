// The one read of each pump's booked refill, for the features that weigh it (alert rules, fleet): owned by scheduling, no Nest imports.
import type { BookedRefill } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';

/** A pump's booked refill appointment (at most one: a partial unique index), with its clinic's booking margin. */
export interface BookedRefillOfPump extends BookedRefill {
  clinicianId: string;
  bookingMarginDays: number;
}

/** Inside the caller's transaction when it passes its manager (an evaluation reads on its own connection). */
export async function bookedRefillsOf(manager: EntityManager, pumpIds: readonly string[]): Promise<Map<string, BookedRefillOfPump>> {
  if (pumpIds.length === 0) return new Map();
  const rows: {
    pump_id: string;
    id: string;
    starts_at: Date;
    clinician_id: string;
    override_reason: string | null;
    booking_margin_days: number;
  }[] = await manager.query(
    `SELECT a.pump_id, a.id, a.starts_at, a.clinician_id, a.override_reason, c.booking_margin_days
     FROM appointments a JOIN clinics c ON c.id = a.clinic_id WHERE a.status = 'booked' AND a.pump_id = ANY($1::uuid[])`,
    [pumpIds],
  );
  return new Map(
    rows.map((r) => [
      r.pump_id,
      {
        id: r.id,
        startsAt: r.starts_at.toISOString(),
        overrideReason: r.override_reason,
        clinicianId: r.clinician_id,
        bookingMarginDays: r.booking_margin_days,
      },
    ]),
  );
}
