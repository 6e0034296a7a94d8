// GET /api/health against a real PostgreSQL.
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

describe('health', () => {
  const server = useTestServer();

  it('reports the database up', async () => {
    const res = await api(server.baseUrl).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('serves the OpenAPI document with request bodies', async () => {
    const res = await api(server.baseUrl).get('/api/docs-json');
    expect(res.status).toBe(200);
    const post = res.body.paths['/api/pumps'].post;
    expect(post.requestBody.content['application/json'].schema.properties.serialNumber).toBeDefined();
  });
});
