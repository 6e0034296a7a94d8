// Typed fetch client for the PumpWatch API; every non-2xx answer becomes an ApiError carrying its fields.
import {
  ALERT_NEXT_CURSOR_HEADER,
  ALERT_SEVERITIES,
  ALERT_SEVERITY_COUNTS_HEADER,
  ALERT_TOTAL_COUNT_HEADER,
  CSRF_HEADER,
  LAST_EVENT_ID_HEADER,
  type AcknowledgeAlertRequest,
  type Alert,
  type AlertDetail,
  type AlertPages,
  type AlertSeverity,
  type AlertSeverityCounts,
  type AlertStatus,
  type ClinicSettings,
  type ClinicalSafetySettings,
  type UpdateClinicSettingsRequest,
  type UpdateClinicalSafetySettingsRequest,
  type ApiErrorBody,
  type ClearPumpEventRequest,
  type CreatePumpEventRequest,
  type OnCallNow,
  type PumpEvent,
  type PumpReconciliations,
  type PumpTelemetryReadings,
  type ResolveAlertRequest,
  type SnoozeAlertRequest,
  type AuditEntry,
  type AuditQuery,
  type ChangePasswordRequest,
  type Clinic,
  type CreatedMachineToken,
  type CreateFillRequest,
  type CreatePatientRequest,
  type CreateMachineTokenRequest,
  type CreateProgramRequest,
  type CreatePumpRequest,
  type CreateUserRequest,
  type FleetPage,
  type FleetPump,
  type FleetSortKey,
  type Urgency,
  type Fill,
  type LoginRequest,
  type LoginResponse,
  type MachineToken,
  type Patient,
  type Program,
  type Pump,
  type PumpDetail,
  type PumpForecast,
  type ResetPasswordRequest,
  type ResetPasswordResponse,
  type SetClinicRoleRequest,
  type Session,
  type User,
  type CheckUp,
  type ClinicalSummary,
  type CreateCheckUpRequest,
  type CreateLabResultRequest,
  type CreateSideEffectReportRequest,
  type CreateTaperPlanRequest,
  type EndTaperPlanRequest,
  type LabResult,
  type SideEffectReport,
  type TaperPlanRecord,
  type UpdatePatientRequest,
} from '@pumpwatch/shared';
import { noteReadEventId, noteReadInFlight } from './socket';

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  /** Field path (e.g. `steps.0.startTime`) -> message, as the API named them. */
  readonly fields: FieldErrors;
  /** Seconds the server asks to wait (Retry-After of a 429), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(body: ApiErrorBody, retryAfterSeconds?: number) {
    super(body.message);
    this.name = 'ApiError';
    this.status = body.statusCode;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
    this.fields = {};
    for (const f of body.fields ?? []) if (!(f.field in this.fields)) this.fields[f.field] = f.message;
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'message' in value;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// ---- Session wiring: set by the session store, so this module stays free of React ----

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;
let onPasswordChangeRequired: (() => void) | null = null;

/** The anti-CSRF token of the current session, repeated on every write (the cookie alone must not authorize one). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Who to tell when the server no longer knows the session (401) or wants the password changed first (403). */
export function setSessionListeners(listeners: { unauthenticated: () => void; passwordChangeRequired: () => void }): void {
  onUnauthenticated = listeners.unauthenticated;
  onPasswordChangeRequired = listeners.passwordChangeRequired;
}

/** A wrong password at sign-in is a 401 too and must stay on the form; sign-out treats its own 401 as done. */
const PATHS_KEEPING_THEIR_401 = new Set(['/api/auth/login', '/api/auth/logout']);

/** The dashboard's first reads: their answers carry x-last-event-id, and the socket's first handshake waits for them. */
const FIRST_READ_ROUTES = new Set(['/api/alerts', '/api/pumps']);

export function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  onHeaders?: (headers: Headers) => void,
): Promise<T> {
  const answer = send<T>(method, path, body, signal, onHeaders);
  if (method === 'GET' && FIRST_READ_ROUTES.has(path.split('?')[0])) noteReadInFlight(answer);
  return answer;
}

async function send<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  onHeaders?: (headers: Headers) => void,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // A file upload (FormData) sets its own multipart Content-Type with the boundary.
  const multipart = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !multipart) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : multipart ? (body as FormData) : JSON.stringify(body),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ statusCode: 0, error: 'network_error', message: 'The PumpWatch server cannot be reached', fields: [] });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = isApiErrorBody(parsed)
      ? new ApiError(
          { ...parsed, message: Array.isArray(parsed.message) ? parsed.message.join('; ') : String(parsed.message) },
          parseRetryAfter(response.headers.get('Retry-After')),
        )
      : new ApiError(
          { statusCode: response.status, error: response.statusText, message: `${response.status} ${response.statusText}`, fields: [] },
          parseRetryAfter(response.headers.get('Retry-After')),
        );
    const route = path.split('?')[0];
    if (response.status === 401 && !PATHS_KEEPING_THEIR_401.has(route)) onUnauthenticated?.();
    if (response.status === 403 && error.body.error === 'password_change_required') onPasswordChangeRequired?.();
    throw error;
  }
  // The first reads (alerts, fleet) name the last event they reflect: the socket resumes from there, so nothing falls in between.
  const readEventId = response.headers.get(LAST_EVENT_ID_HEADER);
  if (readEventId !== null && /^\d+$/.test(readEventId)) noteReadEventId(Number(readEventId));
  onHeaders?.(response.headers);
  return parsed as T;
}

const enc = encodeURIComponent;

/** `?a=1&b=2` from the given values, leaving out the empty ones. */
function query(params: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&')}`;
}

export const api = {
  listPumps: (q?: string, signal?: AbortSignal) =>
    request<FleetPump[]>('GET', q && q.trim() ? `/api/pumps?q=${enc(q.trim())}` : '/api/pumps', undefined, signal),
  /** One page of the fleet read model (GET /api/pumps with `limit`); `cursor` is the previous page's nextCursor. */
  listFleetPage: (params: FleetPageParams, signal?: AbortSignal) =>
    request<FleetPage | FleetPump[]>(
      'GET',
      `/api/pumps${query({
        limit: params.limit,
        cursor: params.cursor ?? undefined,
        q: params.q?.trim(),
        urgency: params.urgency ?? undefined,
        sort: params.sort,
        dir: params.dir,
        clinicId: params.clinicId ?? undefined,
      })}`,
      undefined,
      signal,
    ),
  /** One pump's fleet row now (a live patch when pump.changed came without it); 404 naming `id` once the pump left the fleet. */
  getFleetRow: (id: string, signal?: AbortSignal) => request<FleetPump>('GET', `/api/pumps/${enc(id)}/fleet-row`, undefined, signal),
  getPump: (id: string, signal?: AbortSignal) => request<PumpDetail>('GET', `/api/pumps/${enc(id)}`, undefined, signal),
  getForecast: (id: string, at?: string, signal?: AbortSignal) =>
    request<PumpForecast>('GET', `/api/pumps/${enc(id)}/forecast${at ? `?at=${enc(at)}` : ''}`, undefined, signal),
  createPump: (body: CreatePumpRequest) => request<Pump>('POST', '/api/pumps', body),
  listFills: (pumpId: string) => request<Fill[]>('GET', `/api/pumps/${enc(pumpId)}/fills`),
  createFill: (pumpId: string, body: CreateFillRequest) => request<Fill>('POST', `/api/pumps/${enc(pumpId)}/fills`, body),
  listPrograms: (pumpId: string) => request<Program[]>('GET', `/api/pumps/${enc(pumpId)}/programs`),
  createProgram: (pumpId: string, body: CreateProgramRequest) => request<Program>('POST', `/api/pumps/${enc(pumpId)}/programs`, body),
  listClinics: () => request<Clinic[]>('GET', '/api/clinics'),
  listPatients: (clinicId?: string) => request<Patient[]>('GET', clinicId ? `/api/patients?clinicId=${enc(clinicId)}` : '/api/patients'),
  /** Patients list page (issue 16): `q` words in the name or MRN. */
  searchPatients: (filters: { clinicId?: string; q?: string }, signal?: AbortSignal) =>
    request<Patient[]>(
      'GET',
      `/api/patients${query({ clinicId: filters.clinicId || undefined, q: filters.q?.trim() || undefined })}`,
      undefined,
      signal,
    ),
  createPatient: (body: CreatePatientRequest) => request<Patient>('POST', '/api/patients', body),
  /** The patient's pumps, active first, then explanted. */
  listPatientPumps: (patientId: string, signal?: AbortSignal) =>
    request<Pump[]>('GET', `/api/patients/${enc(patientId)}/pumps`, undefined, signal),

  login: (body: LoginRequest) => request<LoginResponse>('POST', '/api/auth/login', body),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: (signal?: AbortSignal) => request<Session>('GET', '/api/auth/me', undefined, signal),
  changePassword: (body: ChangePasswordRequest) => request<User>('POST', '/api/auth/password', body),

  listUsers: (signal?: AbortSignal) => request<User[]>('GET', '/api/users', undefined, signal),
  createUser: (body: CreateUserRequest) => request<User>('POST', '/api/users', body),
  /** Without `password` the server draws one and answers it once in `initialPassword`. */
  resetUserPassword: (userId: string, body: ResetPasswordRequest) =>
    request<ResetPasswordResponse>('POST', `/api/users/${enc(userId)}/password`, body),
  /** The account cannot sign in any more; its sessions and live connections end at once. */
  deactivateUser: (userId: string) => request<User>('POST', `/api/users/${enc(userId)}/deactivate`),
  reactivateUser: (userId: string) => request<User>('POST', `/api/users/${enc(userId)}/reactivate`),
  setUserClinicRole: (userId: string, clinicId: string, body: SetClinicRoleRequest) =>
    request<User>('PUT', `/api/users/${enc(userId)}/clinic-roles/${enc(clinicId)}`, body),

  listMachineTokens: (clinicId?: string, signal?: AbortSignal) =>
    request<MachineToken[]>('GET', `/api/machine-tokens${query({ clinicId })}`, undefined, signal),
  createMachineToken: (body: CreateMachineTokenRequest) => request<CreatedMachineToken>('POST', '/api/machine-tokens', body),
  revokeMachineToken: (id: string) => request<MachineToken>('POST', `/api/machine-tokens/${enc(id)}/revoke`),

  listAudit: (filters: Partial<AuditQuery> = {}, signal?: AbortSignal) =>
    request<AuditEntry[]>('GET', `/api/audit${query({ ...filters })}`, undefined, signal),

  listAlerts: (filters: AlertListFilters = {}, signal?: AbortSignal) =>
    request<Alert[]>(
      'GET',
      `/api/alerts${query({ ...filters, includeSnoozed: filters.includeSnoozed === undefined ? undefined : String(filters.includeSnoozed) })}`,
      undefined,
      signal,
    ),
  /** One page of GET /api/alerts with what its headers say: the counts of every page together and the next page's cursor. */
  listAlertsPage: async (filters: AlertListFilters = {}, signal?: AbortSignal): Promise<AlertListPage> => {
    let headers: Headers | null = null;
    const alerts = await request<Alert[]>(
      'GET',
      `/api/alerts${query({ ...filters, includeSnoozed: filters.includeSnoozed === undefined ? undefined : String(filters.includeSnoozed) })}`,
      undefined,
      signal,
      (h) => (headers = h),
    );
    return alertListPage(alerts, headers);
  },
  getAlert: (id: string, signal?: AbortSignal) => request<AlertDetail>('GET', `/api/alerts/${enc(id)}`, undefined, signal),
  acknowledgeAlert: (id: string, body: AcknowledgeAlertRequest) => request<Alert>('POST', `/api/alerts/${enc(id)}/acknowledge`, body),
  resolveAlert: (id: string, body: ResolveAlertRequest) => request<Alert>('POST', `/api/alerts/${enc(id)}/resolve`, body),
  snoozeAlert: (id: string, body: SnoozeAlertRequest) => request<Alert>('POST', `/api/alerts/${enc(id)}/snooze`, body),
  getAlertPages: (id: string, signal?: AbortSignal) => request<AlertPages>('GET', `/api/alerts/${enc(id)}/pages`, undefined, signal),
  getClinicSettings: (clinicId: string, signal?: AbortSignal) =>
    request<ClinicSettings>('GET', `/api/clinics/${enc(clinicId)}/settings`, undefined, signal),
  /** Any subset of the clinic's settings (issue 16's settings page); an unknown or out-of-range field answers 400 naming it. */
  updateClinicSettings: (clinicId: string, body: UpdateClinicSettingsRequest) =>
    request<ClinicSettings>('PATCH', `/api/clinics/${enc(clinicId)}/settings`, body),
  getClinicalSafetySettings: (clinicId: string, signal?: AbortSignal) =>
    request<ClinicalSafetySettings>('GET', `/api/clinics/${enc(clinicId)}/clinical-safety-settings`, undefined, signal),
  updateClinicalSafetySettings: (clinicId: string, body: UpdateClinicalSafetySettingsRequest) =>
    request<ClinicalSafetySettings>('PUT', `/api/clinics/${enc(clinicId)}/clinical-safety-settings`, body),
  getOnCallNow: (clinicId: string, signal?: AbortSignal) =>
    request<OnCallNow>('GET', `/api/clinics/${enc(clinicId)}/on-call-now`, undefined, signal),

  getPumpTelemetry: (pumpId: string, range: { from?: string; to?: string; limit?: number } = {}, signal?: AbortSignal) =>
    request<PumpTelemetryReadings>('GET', `/api/pumps/${enc(pumpId)}/telemetry${query(range)}`, undefined, signal),
  getPumpReconciliations: (pumpId: string, signal?: AbortSignal) =>
    request<PumpReconciliations>('GET', `/api/pumps/${enc(pumpId)}/reconciliations`, undefined, signal),
  listPumpEvents: (pumpId: string, signal?: AbortSignal) =>
    request<PumpEvent[]>('GET', `/api/pumps/${enc(pumpId)}/events`, undefined, signal),
  recordPumpEvent: (pumpId: string, body: CreatePumpEventRequest) => request<PumpEvent>('POST', `/api/pumps/${enc(pumpId)}/events`, body),
  clearPumpEvent: (pumpId: string, eventId: string, body: ClearPumpEventRequest) =>
    request<PumpEvent>('POST', `/api/pumps/${enc(pumpId)}/events/${enc(eventId)}/clear`, body),

  // Clinical safety (issue 7)
  getPatient: (patientId: string, signal?: AbortSignal) => request<Patient>('GET', `/api/patients/${enc(patientId)}`, undefined, signal),
  updatePatient: (patientId: string, body: UpdatePatientRequest) => request<Patient>('PATCH', `/api/patients/${enc(patientId)}`, body),
  getClinicalSummary: (patientId: string, signal?: AbortSignal) =>
    request<ClinicalSummary>('GET', `/api/patients/${enc(patientId)}/clinical-summary`, undefined, signal),
  recordLab: (patientId: string, body: CreateLabResultRequest) => request<LabResult>('POST', `/api/patients/${enc(patientId)}/labs`, body),
  recordSideEffect: (patientId: string, body: CreateSideEffectReportRequest) =>
    request<SideEffectReport>('POST', `/api/patients/${enc(patientId)}/side-effects`, body),
  recordCheckUp: (patientId: string, body: CreateCheckUpRequest) =>
    request<CheckUp>('POST', `/api/patients/${enc(patientId)}/check-ups`, body),
  createTaperPlan: (patientId: string, body: CreateTaperPlanRequest) =>
    request<TaperPlanRecord>('POST', `/api/patients/${enc(patientId)}/taper-plans`, body),
  endTaperPlan: (patientId: string, planId: string, body: EndTaperPlanRequest) =>
    request<TaperPlanRecord>('POST', `/api/patients/${enc(patientId)}/taper-plans/${enc(planId)}/end`, body),
};

/** GET /api/pumps paging parameters (issue 15); the answer is a FleetPage (a server before the read model answers the bare list). */
export interface FleetPageParams {
  limit: number;
  cursor?: string | null;
  q?: string;
  urgency?: Urgency | null;
  sort?: FleetSortKey;
  dir?: 'ascending' | 'descending';
  clinicId?: string | null;
}

/** GET /api/alerts filters (the server defaults to open and acknowledged, the caller's snoozed ones left out). */
export interface AlertListFilters {
  clinicId?: string;
  status?: AlertStatus;
  severity?: AlertSeverity;
  pumpId?: string;
  patientId?: string;
  includeSnoozed?: boolean;
  limit?: number;
  /** The previous page's nextCursor. */
  cursor?: string;
}

/** A page of GET /api/alerts; the counts are null from a server that does not send them (before issue 15). */
export interface AlertListPage {
  alerts: Alert[];
  /** Alerts matching every filter, on every page together. */
  totalCount: number | null;
  /** Alerts matching every filter except `severity`, per severity. */
  severityCounts: AlertSeverityCounts | null;
  /** null on the last page. */
  nextCursor: string | null;
  /** The last event the page reflects (x-last-event-id). */
  lastEventId: number | null;
}

function alertListPage(alerts: Alert[], headers: Headers | null): AlertListPage {
  const number = (name: string) => {
    const value = headers?.get(name) ?? null;
    return value !== null && /^\d+$/.test(value) ? Number(value) : null;
  };
  let severityCounts: AlertSeverityCounts | null = null;
  try {
    const parsed = JSON.parse(headers?.get(ALERT_SEVERITY_COUNTS_HEADER) ?? 'null') as Partial<AlertSeverityCounts> | null;
    if (parsed && ALERT_SEVERITIES.every((s) => typeof parsed[s] === 'number')) severityCounts = parsed as AlertSeverityCounts;
  } catch {
    severityCounts = null;
  }
  return {
    alerts,
    severityCounts,
    totalCount: number(ALERT_TOTAL_COUNT_HEADER),
    lastEventId: number(LAST_EVENT_ID_HEADER),
    nextCursor: headers?.get(ALERT_NEXT_CURSOR_HEADER) || null,
  };
}
