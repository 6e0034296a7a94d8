// The pump's booked refill appointment, for its forecast chart: one request, re-read when the pump changes (a booking is a pump event).
import type { AppointmentResponse } from '@pumpwatch/shared';
import { request } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';

/** Start of the earliest booked refill of the pump, null when none is booked (or the answer is not in yet or failed). */
export function useBookedRefillAt(pumpId: string): string | null {
  const booked = useLiveData(
    `booked-refill:${pumpId}`,
    (signal) =>
      request<AppointmentResponse[]>('GET', `/api/appointments?pumpId=${encodeURIComponent(pumpId)}&status=booked`, undefined, signal),
    (event) => event.pumpId === pumpId,
  );
  const starts = (booked.data ?? [])
    .filter((a) => a.status === 'booked')
    .map((a) => a.startsAt)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return starts[0] ?? null;
}
