// Small fetch helpers for API tests: JSON in, status and JSON out, signed in as the test administrator unless told otherwise.
import { TEST_ADMIN } from './test-accounts';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiOptions {
  /** Bearer token to send; null: anonymous; default: the test server's first administrator (signed in once per server). */
  token?: string | null;
  /** Extra headers on every call (e.g. a cookie and x-csrf-token). */
  headers?: Record<string, string>;
}

const adminTokens = new Map<string, Promise<string>>();

/** Signs in through the API and returns the bearer token; throws with the answer when refused. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`sign-in of ${email} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.accessToken as string;
}

export function adminToken(baseUrl: string): Promise<string> {
  let token = adminTokens.get(baseUrl);
  if (!token) {
    token = signIn(baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    token.catch(() => adminTokens.delete(baseUrl));
    adminTokens.set(baseUrl, token);
  }
  return token;
}

export function api(baseUrl: string, options: ApiOptions = {}) {
  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<JsonResponse<T>> => {
    const token = options.token === undefined ? await adminToken(baseUrl) : options.token;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    call,
  };
}
