// The built dashboard is served on the API's port, with client-side routes falling back to index.html; compressed and cached
// like a product (hashed assets immutable, index.html revalidated), source maps only when asked.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { adminToken } from '../support/http';
import { startTestServer, TestServer } from '../support/test-server';

const HASHED_JS = 'assets/fleet-page-DjUBkPUN.js';
// Large enough (well above the 1 KB threshold) to be worth compressing.
const HASHED_JS_SOURCE = `export const fleet = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ pump: i, urgency: 'ok' })))};\n`;

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The bytes as they travel (fetch would decode them): what a browser or a proxy actually receives. */
function rawGet(url: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('dashboard serving', () => {
  let server: TestServer;
  let clientDir: string;
  beforeAll(async () => {
    clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-client-'));
    fs.mkdirSync(path.join(clientDir, 'assets'));
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>PumpWatch</title><div id="root"></div>');
    fs.writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'console.log("pumpwatch")');
    fs.writeFileSync(path.join(clientDir, HASHED_JS), HASHED_JS_SOURCE);
    fs.writeFileSync(path.join(clientDir, `${HASHED_JS}.map`), JSON.stringify({ version: 3, sources: ['fleet-page.tsx'], mappings: '' }));
    // The demo clinic: a fleet of about 40 pumps, a GET /api/pumps answer of many kilobytes.
    server = await startTestServer({ clientDir, demo: true });
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

  it('serves a hashed asset compressed and cached for a year as immutable', async () => {
    const res = await rawGet(`${server.baseUrl}/${HASHED_JS}`, { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.body.length).toBeLessThan(Buffer.byteLength(HASHED_JS_SOURCE));
    expect(zlib.gunzipSync(res.body).toString('utf8')).toBe(HASHED_JS_SOURCE);
    // The security headers stay on static files.
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");

    const brotli = await rawGet(`${server.baseUrl}/${HASHED_JS}`, { 'accept-encoding': 'br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(brotli.body).toString('utf8')).toBe(HASHED_JS_SOURCE);

    const plain = await rawGet(`${server.baseUrl}/${HASHED_JS}`, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(HASHED_JS_SOURCE);
  });

  it('never lets index.html nor an unhashed file be cached without revalidation', async () => {
    for (const route of ['/', '/fleet', '/index.html', '/assets/app.js']) {
      const res = await fetch(`${server.baseUrl}${route}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await fetch(`${server.baseUrl}/`)).headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('does not serve source maps by default', async () => {
    const res = await fetch(`${server.baseUrl}/${HASHED_JS}.map`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('fleet-page.tsx');
  });

  it('compresses a large API answer when the client accepts it, and sends it plain when it does not', async () => {
    const authorization = `Bearer ${await adminToken(server.baseUrl)}`;
    const plain = await rawGet(`${server.baseUrl}/api/pumps`, { authorization, 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const fleet = JSON.parse(plain.body.toString('utf8')) as unknown[];
    expect(fleet.length).toBeGreaterThanOrEqual(38);

    const gzipped = await rawGet(`${server.baseUrl}/api/pumps`, { authorization, 'accept-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toContain('application/json');
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
    expect((JSON.parse(zlib.gunzipSync(gzipped.body).toString('utf8')) as unknown[]).length).toBe(fleet.length);
  });
});

describe('dashboard serving with PUMPWATCH_SERVE_SOURCE_MAPS=on', () => {
  let server: TestServer;
  let clientDir: string;
  beforeAll(async () => {
    clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-client-'));
    fs.mkdirSync(path.join(clientDir, 'assets'));
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>PumpWatch</title><div id="root"></div>');
    fs.writeFileSync(path.join(clientDir, HASHED_JS), HASHED_JS_SOURCE);
    fs.writeFileSync(path.join(clientDir, `${HASHED_JS}.map`), JSON.stringify({ version: 3, sources: ['fleet-page.tsx'], mappings: '' }));
    server = await startTestServer({ clientDir, serveSourceMaps: true });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(clientDir, { recursive: true, force: true });
  });

  it('serves source maps', async () => {
    const res = await fetch(`${server.baseUrl}/${HASHED_JS}.map`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: 3, sources: ['fleet-page.tsx'] });
  });
});
