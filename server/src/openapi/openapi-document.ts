// Builds the OpenAPI document: Nest's routes, completed with the shared zod schemas, the error shape, security and examples.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Capability, CSRF_HEADER, RESPONSE_COMPONENTS, ROUTE_PERMISSIONS, SESSION_COOKIE } from '@pumpwatch/shared';
import { z } from 'zod';
import { ERROR_EXAMPLES, OPERATION_EXAMPLES } from './examples';
import { fallbackSummary, ROUTE_DOCS, RouteDoc, SuccessBody } from './route-docs';
import { routeSchemas, RouteSchemas } from './route-schemas';

/** Where Swagger UI is served; the JSON document is at `${DOCS_PATH}-json`. */
export const DOCS_PATH = 'api/docs';

export const SECURITY_SCHEMES = { bearer: 'bearer', sessionCookie: 'sessionCookie', csrfToken: 'csrfToken' } as const;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];
const WRITE_METHODS = new Set<HttpMethod>(['post', 'put', 'patch', 'delete']);

const ERROR_RESPONSES = {
  400: { name: 'BadRequest', description: 'Invalid request: `fields` names each field at fault' },
  401: { name: 'Unauthenticated', description: 'No valid session cookie or bearer token' },
  403: {
    name: 'Forbidden',
    description: 'The role lacks the capability, the password must be changed first, or the x-csrf-token header is missing',
  },
  404: { name: 'NotFound', description: 'No such record in the clinics the caller sees' },
  409: { name: 'Conflict', description: 'Conflicts with an existing record (a double booking, a serial number already registered)' },
  422: {
    name: 'RuleViolated',
    description: 'Well-formed but refused by a clinical or business rule (drug library hard limit, dose guard)',
  },
} as const;
type ErrorStatus = keyof typeof ERROR_RESPONSES;

const CAPABILITY_WORDS: Record<Capability, string> = {
  public: 'no sign-in',
  authenticated: 'any signed-in user',
  read: "staff or higher in the record's clinic",
  schedule: "scheduler or higher in the record's clinic",
  clinical: "clinician or admin of the record's clinic",
  telemetry: "a clinician of the pump's clinic or its gateway machine token",
  administer: 'admin of the clinic',
  platform: 'the administrator of every clinic',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A request schema as the document shows it: what the client sends (defaults optional). */
function requestSchemaOf(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
}

/** The response schemas as named components, each field that is itself a component by $ref. */
function responseComponents(): Record<string, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(RESPONSE_COMPONENTS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components: Record<string, SchemaObject> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const { $id: _id, $schema: _schema, ...rest } = schema as Record<string, unknown>;
    components[name] = rest as SchemaObject;
  }
  return components;
}

function successContent(success: SuccessBody, example: unknown): ResponseObject['content'] {
  if (success.kind === 'none') return undefined;
  if (success.kind === 'text') return { [success.contentType]: { schema: { type: 'string', description: success.description } } };
  const contentType = success.contentType ?? 'application/json';
  let schema: SchemaObject | { $ref: string } = success.list ? { type: 'array', items: ref(success.schema) } : ref(success.schema);
  if (success.orSchema) schema = { oneOf: [schema, ref(success.orSchema)] };
  if (success.wrappedIn) schema = { type: 'object', properties: { [success.wrappedIn]: schema }, required: [success.wrappedIn] };
  return { [contentType]: { schema, ...(example !== undefined ? { example } : {}) } };
}

function errorStatusesOf(method: HttpMethod, path: string, capability: Capability | undefined, operation: OperationObject): ErrorStatus[] {
  const statuses: ErrorStatus[] = [];
  const hasInput = path.includes('{') || (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
  if (hasInput) statuses.push(400);
  if (capability !== 'public') statuses.push(401, 403);
  if (path.includes('{') || (capability !== 'public' && capability !== 'authenticated' && capability !== 'platform')) statuses.push(404);
  if (WRITE_METHODS.has(method)) statuses.push(409, 422);
  return statuses;
}

/** Adds the query parameters of the route's zod query schema (keeping a description Nest already has). */
function completeQueryParameters(operation: OperationObject, query: z.ZodType): void {
  const json = requestSchemaOf(query) as SchemaObject & { properties?: Record<string, SchemaObject>; required?: string[] };
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  for (const [name, schema] of Object.entries(json.properties ?? {})) {
    const existing = parameters.find((p) => p.in === 'query' && p.name === name);
    const required = (json.required ?? []).includes(name) && schema.default === undefined;
    if (existing) {
      existing.schema = schema;
      existing.required = required;
      existing.description = existing.description ?? schema.description;
    } else {
      parameters.push({ name, in: 'query', required, schema, ...(schema.description ? { description: schema.description } : {}) });
    }
  }
  operation.parameters = parameters;
}

/** Every `{name}` of the path declared as a required path parameter. */
function completePathParameters(operation: OperationObject, path: string): void {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    const existing = parameters.find((p) => p.in === 'path' && p.name === name);
    if (existing) existing.required = true;
    else parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  }
  operation.parameters = parameters;
}

function completeOperation(
  method: HttpMethod,
  path: string,
  operation: OperationObject,
  discovered: RouteSchemas | undefined,
  usedOperationIds: Set<string>,
): void {
  const key = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
  const doc: RouteDoc | undefined = (ROUTE_DOCS as Record<string, RouteDoc | undefined>)[key];
  const capability = (ROUTE_PERMISSIONS as Record<string, Capability | undefined>)[key];
  const examples = (OPERATION_EXAMPLES as Record<string, { request?: unknown; response?: unknown } | undefined>)[key];

  operation.summary = operation.summary ?? doc?.summary ?? fallbackSummary(method, path);
  const needs = capability ? `Needs: ${CAPABILITY_WORDS[capability]}.` : '';
  operation.description = [doc?.description, needs].filter((s) => s).join('\n\n') || undefined;
  if (!operation.operationId || usedOperationIds.has(operation.operationId)) {
    operation.operationId = `${method}${path
      .replace(/\{([^}]+)\}/g, 'By-$1')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('')}`;
  }
  usedOperationIds.add(operation.operationId);

  completePathParameters(operation, path);
  const body = discovered?.body ?? doc?.body;
  if (body) {
    operation.requestBody = {
      required: true,
      content: {
        'application/json': { schema: requestSchemaOf(body), ...(examples?.request !== undefined ? { example: examples.request } : {}) },
      },
    };
  }
  if (discovered?.query) completeQueryParameters(operation, discovered.query);

  const responses = (operation.responses ?? {}) as Record<string, ResponseObject>;
  const successStatus = Object.keys(responses).find((s) => /^2\d\d$/.test(s)) ?? (method === 'post' ? '201' : '200');
  const success: ResponseObject = responses[successStatus] ?? { description: '' };
  if (doc) {
    const status = doc.success.kind === 'none' ? '204' : successStatus;
    delete responses[successStatus];
    const content = successContent(doc.success, examples?.response);
    if (content && doc.alsoText) content[doc.alsoText.contentType] = { schema: { type: 'string', description: doc.alsoText.description } };
    responses[status] = {
      ...success,
      description: success.description || (doc.success.kind === 'none' ? 'Done, no content' : 'OK'),
      ...(content ? { content } : {}),
    };
  } else {
    responses[successStatus] = { ...success, description: success.description || 'OK' };
  }
  for (const status of errorStatusesOf(method, path, capability, operation)) {
    responses[String(status)] = responses[String(status)] ?? { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
  }
  operation.responses = responses;

  if (capability === 'public') operation.security = [];
  else if (WRITE_METHODS.has(method))
    operation.security = [{ [SECURITY_SCHEMES.bearer]: [] }, { [SECURITY_SCHEMES.sessionCookie]: [], [SECURITY_SCHEMES.csrfToken]: [] }];
  else operation.security = [{ [SECURITY_SCHEMES.bearer]: [] }, { [SECURITY_SCHEMES.sessionCookie]: [] }];
  (operation as OperationObject & { 'x-capability'?: Capability })['x-capability'] = capability;
}

/** Completes Nest's document in place: schemas, errors, security and examples on every operation. */
export function completeDocument(document: OpenAPIObject, schemas: Map<string, RouteSchemas>): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), ...responseComponents() };
  document.components.responses = {
    ...(document.components.responses ?? {}),
    ...Object.fromEntries(
      Object.entries(ERROR_RESPONSES).map(([status, { name, description }]) => [
        name,
        {
          description,
          content: { 'application/json': { schema: ref('ApiError'), example: ERROR_EXAMPLES[Number(status) as ErrorStatus] } },
        },
      ]),
    ),
  };
  // A route of the permission table that Nest's document lacks (a controller excluded from Swagger, such as FHIR's) is still listed.
  for (const key of Object.keys(ROUTE_PERMISSIONS)) {
    const [method, route] = key.split(' ');
    const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = (document.paths[path] = document.paths[path] ?? {}) as PathItemObject;
    const lower = method.toLowerCase() as HttpMethod;
    if (!item[lower])
      item[lower] = {
        tags: [route.split('/').filter(Boolean)[0] === 'api' ? route.split('/')[2] : route.split('/')[1]],
        parameters: [],
        responses: {},
      };
  }
  const usedOperationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths) as [string, PathItemObject][]) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
      completeOperation(method, path, operation, schemas.get(key), usedOperationIds);
    }
  }
  return document;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const base = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('PumpWatch API')
      .setDescription(
        'Intrathecal baclofen pumps: fills, programs, telemetry, alerts, scheduling and exact refill deadlines. Instants are ISO-8601 UTC; ' +
          'units are in field names (concentrationMcgPerMl, volumeMl, doseMcgPerDay). Every error answers the ApiError shape.\n\n' +
          `Sign in with POST /api/auth/login: its \`accessToken\` is the bearer token (API clients, gateway machine tokens); the dashboard uses the \`${SESSION_COOKIE}\` ` +
          `cookie instead, and then repeats the session's \`csrfToken\` in the \`${CSRF_HEADER}\` header on every write.`,
      )
      .setVersion('0.1.0')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'accessToken from POST /api/auth/login, or a gateway machine token' },
        SECURITY_SCHEMES.bearer,
      )
      .addCookieAuth(
        SESSION_COOKIE,
        {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: "the dashboard's httpOnly session cookie, set by POST /api/auth/login",
        },
        SECURITY_SCHEMES.sessionCookie,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description: "the session's csrfToken; writes made with the session cookie need it",
        },
        SECURITY_SCHEMES.csrfToken,
      )
      .build(),
  );
  return completeDocument(base, routeSchemas(app));
}
