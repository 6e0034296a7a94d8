// The simulator's HTTP client of a running PumpWatch: only the public API, as any gateway or script would use it.
import type {
  ApiErrorBody,
  Clinic,
  CreatedMachineToken,
  FleetPump,
  LoginResponse,
  MachineToken,
  PumpDetail,
  TelemetryIngestResult,
  TelemetryReadingRequest,
} from '@pumpwatch/shared';

/** A non-2xx answer, with the API's error code (`forbidden`, `password_change_required`, ...). */
export class PumpWatchApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PumpWatchApiError';
  }
}

export class PumpWatchClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly signal?: AbortSignal,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async call<T>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: this.signal,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<ApiErrorBody>;
      const message = error.message ?? (typeof parsed === 'string' ? parsed.slice(0, 200) : response.statusText);
      // Only the path: a query string could carry a patient search.
      throw new PumpWatchApiError(
        response.status,
        error.error ?? 'http_error',
        `${method} ${path.split('?')[0]} answered ${response.status}: ${message}`,
      );
    }
    return parsed as T;
  }

  login(email: string, password: string): Promise<LoginResponse> {
    return this.call('POST', '/api/auth/login', null, { email, password });
  }

  clinics(token: string): Promise<Clinic[]> {
    return this.call('GET', '/api/clinics', token);
  }

  fleet(token: string, clinicId: string): Promise<FleetPump[]> {
    return this.call('GET', `/api/pumps?clinicId=${encodeURIComponent(clinicId)}`, token);
  }

  pump(token: string, pumpId: string): Promise<PumpDetail> {
    return this.call('GET', `/api/pumps/${encodeURIComponent(pumpId)}`, token);
  }

  createGatewayToken(token: string, clinicId: string, name: string): Promise<CreatedMachineToken> {
    return this.call('POST', '/api/machine-tokens', token, { clinicId, name });
  }

  revokeGatewayToken(token: string, machineTokenId: string): Promise<MachineToken> {
    return this.call('POST', `/api/machine-tokens/${encodeURIComponent(machineTokenId)}/revoke`, token);
  }

  postTelemetry(token: string, readings: TelemetryReadingRequest[]): Promise<TelemetryIngestResult> {
    return this.call('POST', '/api/telemetry', token, { readings });
  }
}
