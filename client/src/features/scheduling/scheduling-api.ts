// Typed calls of the refill scheduling API (issue 6), on the dashboard's API client (session cookie, anti-CSRF header, ApiError).
import type {
  AppointmentResponse,
  AppointmentStatus,
  CancelAppointmentRequest,
  ClinicClosure,
  CreateClinicClosureRequest,
  ClinicianAvailability,
  ClinicianAvailabilityRequest,
  Clinician,
  ConfirmRefillPlanRequest,
  CreateCalendarFeedRequest,
  CreateRoomRequest,
  CompleteAppointmentRequest,
  CreateAppointmentRequest,
  FleetAppointment,
  FleetPump,
  RefillPlanProposal,
  RefillPlanRequest,
  RefillSlotsResponse,
  RescheduleAppointmentRequest,
  Room,
} from '@pumpwatch/shared';
import { request } from '../../lib/api';

/** A clinician's free whole slot, as GET /api/clinicians/:id/free-slots lists them for the calendar. */
export interface FreeSlot {
  clinicianId: string;
  startsAt: string;
  endsAt: string;
}

/** The pump's booked refill from the fleet list; `undefined` only from a server older than scheduling (nothing to show). */
export function nextAppointmentOf(row: FleetPump): FleetAppointment | null | undefined {
  return (row as Partial<Pick<FleetPump, 'nextAppointment'>>).nextAppointment;
}

/** An iCalendar feed of one clinician's appointments, as GET /api/calendar-feeds lists them (the secret is never listed). */
export interface CalendarFeed {
  id: string;
  clinicId: string;
  clinicianId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** POST /api/calendar-feeds answers once with the secret and the feed's path (`/api/calendar.ics?token=...`). */
export interface CreatedCalendarFeed extends CalendarFeed {
  token: string;
  path: string;
}

export interface AppointmentFilters {
  clinicId: string;
  from: string;
  to: string;
  clinicianId?: string;
  status?: AppointmentStatus;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&')}`;
}

export const schedulingApi = {
  listClinicians: (clinicId: string, signal?: AbortSignal) =>
    request<Clinician[]>('GET', `/api/clinicians${query({ clinicId })}`, undefined, signal),
  getAvailability: (clinicianId: string, signal?: AbortSignal) =>
    request<ClinicianAvailability>('GET', `/api/clinicians/${enc(clinicianId)}/availability`, undefined, signal),
  putAvailability: (clinicianId: string, body: ClinicianAvailabilityRequest) =>
    request<ClinicianAvailability>('PUT', `/api/clinicians/${enc(clinicianId)}/availability`, body),
  freeSlots: async (clinicianId: string, range: { from: string; to: string }, signal?: AbortSignal): Promise<FreeSlot[]> => {
    const answer = await request<FreeSlot[] | { slots: FreeSlot[] }>(
      'GET',
      `/api/clinicians/${enc(clinicianId)}/free-slots${query(range)}`,
      undefined,
      signal,
    );
    return Array.isArray(answer) ? answer : answer.slots;
  },
  getClinician: (clinicianId: string, signal?: AbortSignal) =>
    request<Clinician>('GET', `/api/clinicians/${enc(clinicianId)}`, undefined, signal),
  listRooms: (clinicId: string, signal?: AbortSignal) => request<Room[]>('GET', `/api/rooms${query({ clinicId })}`, undefined, signal),
  createRoom: (body: CreateRoomRequest) => request<Room>('POST', '/api/rooms', body),

  listCalendarFeeds: (clinicId: string, signal?: AbortSignal) =>
    request<CalendarFeed[]>('GET', `/api/calendar-feeds${query({ clinicId })}`, undefined, signal),
  createCalendarFeed: (body: CreateCalendarFeedRequest) => request<CreatedCalendarFeed>('POST', '/api/calendar-feeds', body),
  revokeCalendarFeed: (id: string) => request<CalendarFeed>('POST', `/api/calendar-feeds/${enc(id)}/revoke`),

  listClosures: (clinicId: string, signal?: AbortSignal) =>
    request<ClinicClosure[]>('GET', `/api/clinics/${enc(clinicId)}/closures`, undefined, signal),
  createClosure: (clinicId: string, body: CreateClinicClosureRequest) =>
    request<ClinicClosure>('POST', `/api/clinics/${enc(clinicId)}/closures`, body),
  removeClosure: (clinicId: string, closureId: string) =>
    request<ClinicClosure>('DELETE', `/api/clinics/${enc(clinicId)}/closures/${enc(closureId)}`),

  refillSlots: (pumpId: string, range: { from?: string; to?: string; limit?: number; clinicianId?: string } = {}, signal?: AbortSignal) =>
    request<RefillSlotsResponse>('GET', `/api/pumps/${enc(pumpId)}/refill-slots${query(range)}`, undefined, signal),

  listAppointments: (filters: AppointmentFilters, signal?: AbortSignal) =>
    request<AppointmentResponse[]>('GET', `/api/appointments${query({ ...filters })}`, undefined, signal),
  book: (body: CreateAppointmentRequest) => request<AppointmentResponse>('POST', '/api/appointments', body),
  // The request type is the schema's output (every key present); the API takes any subset.
  reschedule: (id: string, body: Partial<RescheduleAppointmentRequest>) =>
    request<AppointmentResponse>('PATCH', `/api/appointments/${enc(id)}`, body),
  cancel: (id: string, body: CancelAppointmentRequest = {}) =>
    request<AppointmentResponse>('POST', `/api/appointments/${enc(id)}/cancel`, body),
  noShow: (id: string) => request<AppointmentResponse>('POST', `/api/appointments/${enc(id)}/no-show`, {}),
  complete: (id: string, body: CompleteAppointmentRequest) =>
    request<AppointmentResponse>('POST', `/api/appointments/${enc(id)}/complete`, body),

  proposePlan: (body: RefillPlanRequest) => request<RefillPlanProposal>('POST', '/api/refill-plan', body),
  confirmPlan: (body: ConfirmRefillPlanRequest) => request<{ booked: AppointmentResponse[] }>('POST', '/api/refill-plan/confirm', body),
};

/** Links the browser opens itself (a printable page, a file download): same origin, the session cookie goes along. */
export const worksheetHref = (appointmentId: string) => `/api/appointments/${enc(appointmentId)}/worksheet`;
export const fleetCsvHref = (clinicId: string) => `/api/clinics/${enc(clinicId)}/fleet.csv`;
