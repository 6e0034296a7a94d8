// docker-compose.yml and deploy/nginx.conf read as the deployment they describe (no Docker engine here): two server replicas
// behind a sticky, websocket-capable proxy on one PostgreSQL, restarted by Docker and health-checked on the readiness route.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../server/src/infra/config';

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
}

/** `${NAME:-default}` as Compose interpolates it with nothing set in the environment. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

describe('deployment (docker-compose.yml, deploy/nginx.conf)', () => {
  // `<<` merge keys (YAML 1.1) are how the replicas share one definition; Compose resolves them the same way.
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const services = compose.services;
  const replicas = Object.keys(services).filter((name) => services[name].build !== undefined);
  const nginx = fs.readFileSync(path.join(ROOT, 'deploy/nginx.conf'), 'utf8').replace(/#.*$/gm, '');

  it('runs one PostgreSQL, two server replicas built from this repository and one proxy, all restarted unless stopped', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'proxy', 'server-1', 'server-2']);
    expect(replicas).toEqual(['server-1', 'server-2']);
    expect(services.postgres.image).toMatch(/^postgres:18/);
    expect(services.proxy.image).toMatch(/^nginx:/);
    for (const [name, service] of Object.entries(services)) expect([name, service.restart]).toEqual([name, 'unless-stopped']);
  });

  it('health-checks every service, the servers and the proxy on the readiness route, and starts each after what it needs is healthy', () => {
    for (const name of [...replicas, 'proxy']) expect(services[name].healthcheck?.test.join(' ')).toContain('/api/health/ready');
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services['server-1'].depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    // One replica migrates a new release before the other starts.
    expect(services['server-2'].depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      'server-1': { condition: 'service_healthy' },
    });
    expect(services.proxy.depends_on).toEqual({
      'server-1': { condition: 'service_healthy' },
      'server-2': { condition: 'service_healthy' },
    });
  });

  it('gives each replica the environment it needs: the shared PostgreSQL, no demo data, its port; only the proxy is published', () => {
    const postgres = services.postgres.environment!;
    for (const name of replicas) {
      const environment = Object.fromEntries(
        Object.entries(services[name].environment ?? {}).map(([key, value]) => [key, withDefaults(String(value))]),
      );
      const config = loadConfig(environment);
      // Behind nginx: the client address (sign-in throttling per address) is read one hop back in X-Forwarded-For.
      expect(config).toMatchObject({ port: 3000, demo: false, simulate: false, publicUrl: null, adminEmail: null, trustProxyHops: 1 });
      const database = new URL(config.databaseUrl!);
      expect([database.hostname, database.port, database.pathname, database.username, database.password]).toEqual([
        'postgres',
        '5432',
        `/${postgres.POSTGRES_DB}`,
        postgres.POSTGRES_USER,
        withDefaults(postgres.POSTGRES_PASSWORD),
      ]);
      // The production secrets and the public URL are passed through from the operator's environment, never written here.
      expect(services[name].environment).toMatchObject({
        PUMPWATCH_ADMIN_EMAIL: '${PUMPWATCH_ADMIN_EMAIL:-}',
        PUMPWATCH_ADMIN_PASSWORD: '${PUMPWATCH_ADMIN_PASSWORD:-}',
        PUMPWATCH_PUBLIC_URL: '${PUMPWATCH_PUBLIC_URL:-}',
      });
      expect(services[name].ports).toBeUndefined();
    }
    expect(services.proxy.ports).toEqual(['${PUMPWATCH_HTTP_PORT:-3000}:80']);
    expect(services.proxy.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
  });

  it("proxies to exactly the replicas, sticky by client address, with the websocket upgrade and the browser's Host for socket.io", () => {
    const upstream = /upstream pumpwatch \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(upstream).toMatch(/^\s*ip_hash;/m);
    const servers = [...upstream.matchAll(/^\s*server ([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(servers).toEqual(replicas.map((name) => `${name}:${services[name].environment!.PORT}`));
    expect(nginx).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
    const socketIo = /location \/socket\.io\/ \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    for (const line of [
      'proxy_pass http://pumpwatch;',
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $connection_upgrade;',
      'proxy_set_header Host $http_host;',
    ]) {
      expect(socketIo).toContain(line);
    }
    // Longer than socket.io's ping interval (25 s), or nginx would cut idle websockets.
    expect(socketIo).toMatch(/proxy_read_timeout 1h;/);
    const root = /location \/ \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(root).toContain('proxy_pass http://pumpwatch;');
    expect(root).toContain('proxy_set_header Host $http_host;');
    expect(root).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    // A full telemetry batch (8 MB) passes the proxy; the server's own limit decides.
    expect(nginx).toMatch(/client_max_body_size 8m;/);
  });
});
