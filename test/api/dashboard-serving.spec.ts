// The built dashboard is served on the API's port, with client-side routes falling back to index.html.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';

describe('dashboard serving', () => {
  let server: TestServer;
  let clientDir: string;
  beforeAll(async () => {
    clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-client-'));
    fs.mkdirSync(path.join(clientDir, 'assets'));
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>PumpWatch</title><div id="root"></div>');
    fs.writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'console.log("pumpwatch")');
    server = await startTestServer({ clientDir });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(clientDir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes', async () => {
    for (const route of ['/', '/pumps/6f1c1d2e-0000-4000-8000-000000000000', '/fleet?q=x']) {
      const res = await fetch(`${server.baseUrl}${route}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<title>PumpWatch</title>');
    }
  });

  it('serves built assets', async () => {
    const res = await fetch(`${server.baseUrl}/assets/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
  });

  it('keeps unknown API routes as JSON 404', async () => {
    const res = await fetch(`${server.baseUrl}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, error: 'not_found' });
  });
});
