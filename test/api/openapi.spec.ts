// The served OpenAPI document: valid for an OpenAPI validator, every route of the permission table, schemas from the shared zod
// schemas, the error shape, bearer and cookie security, and clinically plausible examples.
import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  DEFAULT_DRUG_LIBRARY,
  DRUG_LIBRARY_BOUNDS,
  PUMP_MODELS,
  RESPONSE_COMPONENTS,
  ROUTE_PERMISSIONS,
  SESSION_COOKIE,
} from '@pumpwatch/shared';
import type { Capability } from '@pumpwatch/shared';
import { z } from 'zod';
import { OPERATION_EXAMPLES } from '../../server/src/openapi/examples';
import { ROUTE_DOCS } from '../../server/src/openapi/route-docs';
import { routeSchemas } from '../../server/src/openapi/route-schemas';
import { TEST_ADMIN } from '../support/test-accounts';
import { useTestServer } from '../support/test-server';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** `GET /api/pumps/:id` -> ['get', '/api/pumps/{id}']. */
const documentPathOf = (key: string): [string, string] => {
  const [method, route] = key.split(' ');
  return [method.toLowerCase(), route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')];
};

function operationsOf(document: Json): { key: string; method: string; path: string; operation: Json }[] {
  const operations: { key: string; method: string; path: string; operation: Json }[] = [];
  for (const [route, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) {
      if (item[method])
        operations.push({
          key: `${method.toUpperCase()} ${route.replace(/\{([^}]+)\}/g, ':$1')}`,
          method,
          path: route,
          operation: item[method],
        });
    }
  }
  return operations;
}

/** Every example value of the document (media types, schemas, parameters), wherever it sits. */
function examplesOf(node: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) {
    for (const item of node) examplesOf(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example') found.push(value);
      else if (key === 'examples' && value && typeof value === 'object') {
        for (const example of Object.values(value)) found.push((example as Json)?.value ?? example);
      } else examplesOf(value, found);
    }
  }
  return found;
}

/** Every numeric field of an example, with its name. */
function numbersOf(node: unknown, found: { name: string; value: number }[] = [], name = ''): { name: string; value: number }[] {
  if (typeof node === 'number') found.push({ name, value: node });
  else if (Array.isArray(node)) for (const item of node) numbersOf(item, found, name);
  else if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) numbersOf(value, found, key);
  return found;
}

describe('OpenAPI document', () => {
  const server = useTestServer();
  let cached: Json | null = null;
  const document = async (): Promise<Json> => {
    if (!cached) {
      const res = await fetch(`${server.baseUrl}/api/docs-json`);
      expect(res.status).toBe(200);
      cached = (await res.json()) as Json;
    }
    return cached;
  };

  it('is a valid OpenAPI 3 document whose references all resolve (@seriousme/openapi-schema-validator)', async () => {
    // In a child process, without blocking this one: the test server answers from this event loop.
    const input = JSON.stringify(await document());
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [path.join(__dirname, '../support/validate-openapi.mjs')],
        { maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`${error.message}\n${stderr}`));
          else resolve(stdout);
        },
      );
      child.stdin?.end(input);
    });
    const result = JSON.parse(output) as {
      valid: boolean;
      version: string;
      errors: unknown;
      refsResolve: boolean;
      refError: string | null;
    };
    expect({ valid: result.valid, errors: result.errors }).toEqual({ valid: true, errors: null });
    expect(result.version).toMatch(/^3\./);
    expect({ refsResolve: result.refsResolve, refError: result.refError }).toEqual({ refsResolve: true, refError: null });
  });

  it('lists every route of the permission table with its method', async () => {
    const doc = await document();
    const missing = Object.keys(ROUTE_PERMISSIONS).filter((key) => {
      const [method, route] = documentPathOf(key);
      return !doc.paths[route]?.[method];
    });
    expect(missing).toEqual([]);
  });

  it('gives every operation a summary, a unique operationId and a success answer with a schema', async () => {
    const operations = operationsOf(await document());
    expect(operations.length).toBeGreaterThanOrEqual(Object.keys(ROUTE_PERMISSIONS).length);
    const withoutSummary = operations
      .filter(({ operation }) => typeof operation.summary !== 'string' || operation.summary.trim() === '')
      .map((o) => o.key);
    expect(withoutSummary).toEqual([]);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    const withoutSuccessSchema = operations
      .filter(({ operation }) => {
        const statuses = Object.keys(operation.responses ?? {}).filter((s) => /^2\d\d$/.test(s));
        if (statuses.includes('204')) return false;
        return !statuses.some((status) =>
          Object.values<Json>(operation.responses[status].content ?? {}).some((media) => {
            const schema = media.schema ?? {};
            return Boolean(schema.$ref || schema.type || schema.oneOf || schema.properties);
          }),
        );
      })
      .map((o) => o.key);
    expect(withoutSuccessSchema).toEqual([]);
  });

  it('documents each request body and query with the zod schema its route validates with', async () => {
    const doc = await document();
    const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
    let bodies = 0;
    for (const route of routeSchemas(server.app).values()) {
      const [method, documentPath] = documentPathOf(route.key);
      const operation = doc.paths[documentPath]?.[method];
      expect(operation).toBeDefined();
      if (route.body) {
        bodies++;
        expect({ route: route.key, schema: operation.requestBody?.content?.['application/json']?.schema }).toEqual({
          route: route.key,
          schema: asJsonSchema(route.body),
        });
      }
      if (route.query) {
        const names = Object.keys((asJsonSchema(route.query) as Json).properties ?? {});
        const documented = (operation.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => p.name);
        expect({ route: route.key, missing: names.filter((n) => !documented.includes(n)) }).toEqual({ route: route.key, missing: [] });
      }
    }
    // The fills, programs, pumps, patients, telemetry... routes: a handful would mean the pipes were not found.
    expect(bodies).toBeGreaterThan(40);
    // The answer shapes are components generated from the shared zod schemas, referenced by the operations.
    expect(doc.paths['/api/pumps/{id}/fills'].post.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Fill',
    });
    expect(doc.components.schemas.Fill.properties.concentrationMcgPerMl).toEqual({ type: 'number' });
    expect(doc.components.schemas.PumpDetail.properties.fills).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Fill' } });
  });

  it('declares the shared error shape on the error answers of every operation', async () => {
    const doc = await document();
    expect(doc.components.schemas.ApiError.required).toEqual(['statusCode', 'error', 'message']);
    const errorRef = { $ref: '#/components/schemas/ApiError' };
    for (const name of ['BadRequest', 'Unauthenticated', 'Forbidden', 'NotFound', 'Conflict', 'RuleViolated']) {
      expect(doc.components.responses[name].content['application/json'].schema).toEqual(errorRef);
    }
    const resolve = (response: Json): Json => (response.$ref ? doc.components.responses[response.$ref.split('/').pop()] : response);
    const lacking: string[] = [];
    for (const { key, method, operation } of operationsOf(doc)) {
      const capability = (ROUTE_PERMISSIONS as Record<string, Capability | undefined>)[key];
      const expected = [
        ...(capability !== 'public' ? ['401', '403'] : []),
        ...(['post', 'put', 'patch', 'delete'].includes(method) ? ['409', '422'] : []),
        ...(key.includes(':') ? ['400', '404'] : []),
      ];
      for (const status of expected) {
        const response = operation.responses[status];
        if (!response || resolve(response)?.content?.['application/json']?.schema?.$ref !== errorRef.$ref) lacking.push(`${key} ${status}`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it('declares the bearer token and the session cookie the server really uses, and applies them to every signed-in route', async () => {
    const doc = await document();
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
    expect(schemes.csrfToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });

    // The cookie the document names is the one sign-in sets, and the bearer token it answers opens a signed-in route.
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(new RegExp(`^${schemes.sessionCookie.name}=`));
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect((await fetch(`${server.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);

    const wrong: string[] = [];
    for (const { key, method, operation } of operationsOf(doc)) {
      const capability = (ROUTE_PERMISSIONS as Record<string, Capability | undefined>)[key];
      const alternatives = (operation.security ?? []).map((requirement: Json) => Object.keys(requirement).sort().join('+'));
      const expected =
        capability === 'public'
          ? []
          : ['post', 'put', 'patch', 'delete'].includes(method)
            ? ['bearer', 'csrfToken+sessionCookie']
            : ['bearer', 'sessionCookie'];
      if (JSON.stringify(alternatives) !== JSON.stringify(expected)) wrong.push(`${key}: ${alternatives.join(' | ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('shows only clinically plausible examples: concentrations, doses and volumes within the drug library and the pump models', async () => {
    const concentrations = Object.values(DEFAULT_DRUG_LIBRARY.concentrations);
    const minConcentration = Math.min(...concentrations.map((c) => c.minMcgPerMl));
    const maxConcentration = DRUG_LIBRARY_BOUNDS.concentrationMcgPerMl;
    const maxReservoirMl = Math.max(...Object.values(PUMP_MODELS).map((m) => m.reservoirCapacityMl ?? 0));
    const numbers = examplesOf(await document()).flatMap((example) => numbersOf(example));
    const seen = { concentration: 0, dose: 0, volume: 0 };
    const implausible: string[] = [];
    for (const { name, value } of numbers) {
      if (/concentrationMcgPerMl$/i.test(name)) {
        seen.concentration++;
        if (value < minConcentration || value > maxConcentration) implausible.push(`${name} ${value}`);
      } else if (/doseMcgPerDay$/i.test(name)) {
        seen.dose++;
        if (value < 0 || value > DRUG_LIBRARY_BOUNDS.doseMcgPerDay) implausible.push(`${name} ${value}`);
      } else if (/volumeMl$/i.test(name)) {
        seen.volume++;
        if (value < 0 || value > maxReservoirMl) implausible.push(`${name} ${value}`);
      }
    }
    expect(implausible).toEqual([]);
    // The fill, program and telemetry examples are there (an empty document would pass the bounds).
    expect(seen.concentration).toBeGreaterThanOrEqual(3);
    expect(seen.dose).toBeGreaterThanOrEqual(3);
    expect(seen.volume).toBeGreaterThanOrEqual(3);
  });

  it('gives an example to every request body carrying a concentration, a dose or a volume (Swagger UI would otherwise invent one)', async () => {
    const clinicalField = /(concentrationMcgPerMl|doseMcgPerDay|volumeMl)$/i;
    const hasClinicalField = (schema: unknown): boolean => {
      if (Array.isArray(schema)) return schema.some(hasClinicalField);
      if (!schema || typeof schema !== 'object') return false;
      return Object.entries(schema).some(
        ([key, value]) =>
          (key === 'properties' && Object.keys(value as Json).some((name) => clinicalField.test(name))) || hasClinicalField(value),
      );
    };
    const carrying = operationsOf(await document()).filter(({ operation }) =>
      hasClinicalField(operation.requestBody?.content?.['application/json']?.schema),
    );
    // Fills, programs, telemetry, completing an appointment, taper plans at least.
    expect(carrying.length).toBeGreaterThanOrEqual(5);
    const withoutExample = carrying
      .filter(({ operation }) => operation.requestBody.content['application/json'].example === undefined)
      .map((o) => o.key);
    expect(withoutExample).toEqual([]);
  });

  it('shows examples that the route itself accepts and answers', () => {
    const schemas = routeSchemas(server.app);
    for (const [key, examples] of Object.entries(OPERATION_EXAMPLES)) {
      if (examples?.request !== undefined) {
        const body = schemas.get(key)?.body;
        expect({ key, hasSchema: body !== undefined && body !== null }).toEqual({ key, hasSchema: true });
        const parsed = body!.safeParse(examples.request);
        expect({ key, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ key, issues: [] });
      }
      if (examples?.response !== undefined) {
        const success = ROUTE_DOCS[key as keyof typeof ROUTE_DOCS]?.success;
        if (success?.kind !== 'json') throw new Error(`${key} has a response example but no JSON answer`);
        const component: z.ZodType = RESPONSE_COMPONENTS[success.schema];
        const parsed = (success.list ? z.array(component) : component).safeParse(examples.response);
        expect({ key, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ key, issues: [] });
      }
    }
  });
});
