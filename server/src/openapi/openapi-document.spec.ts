// The OpenAPI completion degrades gracefully: a route it has no docs or zod schema for still gets a summary, errors and security.
import type { OpenAPIObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ROUTE_PERMISSIONS } from '@pumpwatch/shared';
import { completeDocument } from './openapi-document';
import { fallbackSummary } from './route-docs';

const emptyDocument = (paths: OpenAPIObject['paths']): OpenAPIObject => ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths });

describe('completeDocument', () => {
  it('gives a route unknown to the docs a summary from its path, the error answers and signed-in security', () => {
    const document = completeDocument(
      emptyDocument({ '/api/widgets/{id}/frob': { post: { parameters: [], responses: { '201': { description: '' } } } } }),
      new Map(),
    );
    const operation = document.paths['/api/widgets/{id}/frob'].post!;
    expect(operation.summary).toBe('Create or run widgets frob');
    expect(operation.operationId).toBe('postApiWidgetsByIdFrob');
    expect(Object.keys(operation.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '422']);
    expect(operation.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(operation.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(operation.security).toEqual([{ bearer: [] }, { sessionCookie: [], csrfToken: [] }]);
  });

  it('lists every route of the permission table even when Nest left it out, with the success schema of the docs', () => {
    const document = completeDocument(emptyDocument({}), new Map());
    for (const key of Object.keys(ROUTE_PERMISSIONS)) {
      const [method, route] = key.split(' ');
      expect(document.paths[route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]).toHaveProperty(method.toLowerCase());
    }
    expect(document.paths['/api/pumps/{id}/fills'].post!.responses['201']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Fill' } } },
    });
    expect(document.paths['/api/health'].get!.security).toEqual([]);
    expect(document.paths['/api/auth/logout'].post!.responses).toHaveProperty('204');
  });

  it.each([
    ['GET', '/api/clinics/:id/on-call-roster', 'Read clinics on call roster'],
    ['DELETE', '/api/rooms/{roomId}', 'Delete rooms'],
    ['PATCH', '/api/clinics/:id/notification-channels/:channelId', 'Change clinics notification channels'],
  ])('words %s %s as "%s"', (method, path, summary) => {
    expect(fallbackSummary(method, path)).toBe(summary);
  });
});
