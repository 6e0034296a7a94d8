// Small fetch helpers for API tests: JSON in, status and JSON out.
export interface JsonResponse<T = any> {
  status: number;
  body: T;
}

export function api(baseUrl: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<JsonResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body: unknown) => call<T>('POST', path, body),
  };
}
