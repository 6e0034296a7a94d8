// Typed fetch client for the PumpWatch API; every non-2xx answer becomes an ApiError carrying its fields.
import type {
  ApiErrorBody,
  Clinic,
  CreateFillRequest,
  CreateProgramRequest,
  CreatePumpRequest,
  FleetPump,
  Fill,
  Patient,
  Program,
  Pump,
  PumpDetail,
  PumpForecast,
} from '@pumpwatch/shared';

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  /** Field path (e.g. `steps.0.startTime`) -> message, as the API named them. */
  readonly fields: FieldErrors;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = body.statusCode;
    this.body = body;
    this.fields = {};
    for (const f of body.fields ?? []) if (!(f.field in this.fields)) this.fields[f.field] = f.message;
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'message' in value;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ statusCode: 0, error: 'network_error', message: 'The PumpWatch server cannot be reached', fields: [] });
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (isApiErrorBody(parsed)) throw new ApiError({ ...parsed, message: Array.isArray(parsed.message) ? parsed.message.join('; ') : String(parsed.message) });
    throw new ApiError({ statusCode: response.status, error: response.statusText, message: `${response.status} ${response.statusText}`, fields: [] });
  }
  return parsed as T;
}

const enc = encodeURIComponent;

export const api = {
  listPumps: (q?: string, signal?: AbortSignal) =>
    request<FleetPump[]>('GET', q && q.trim() ? `/api/pumps?q=${enc(q.trim())}` : '/api/pumps', undefined, signal),
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
};
