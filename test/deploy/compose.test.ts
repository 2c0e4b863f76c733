import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { loadConfig } from '../../server/src/config/config.js';
import { kickstartSchema } from '../../server/src/kickstart/kickstart.schema.js';
import { repoRoot } from '../support/processes.js';
import { type NamedVariable, unknownVariables } from './support/config-variables.js';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  healthcheck?: { disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
}

const composePath = path.join(repoRoot, 'docker-compose.yml');
/** Compose resolves `<<` merge keys and anchors; so does this parse. */
const readCompose = (text = readFileSync(composePath, 'utf8')) =>
  YAML.parse(text, { merge: true }) as ComposeFile;
const porticoServices = ['migrate', 'serve', 'worker'] as const;

/** The environment a Portico service runs with, its `/run/secrets/*` paths pointing at the host files. */
function serviceEnvironment(compose: ComposeFile, name: string): Record<string, string> {
  const env = { ...(compose.services[name]?.environment ?? {}) };
  for (const [key, value] of Object.entries(env)) {
    const secret = /^\/run\/secrets\/(.+)$/.exec(value)?.[1];
    const file = secret === undefined ? undefined : compose.secrets[secret]?.file;
    if (file !== undefined) env[key] = path.join(repoRoot, file);
  }
  return env;
}

function composeVariables(compose: ComposeFile): NamedVariable[] {
  return porticoServices.flatMap((service) =>
    Object.keys(compose.services[service]?.environment ?? {}).map((name) => ({ name, where: service })),
  );
}

describe('docker-compose.yml', () => {
  const compose = readCompose();

  it('runs PostgreSQL, Redis with AOF and noeviction, a mail catcher, migrate, serve and worker', () => {
    expect(Object.keys(compose.services)).to.have.members([
      'postgres',
      'redis',
      'mailpit',
      ...porticoServices,
    ]);
    const redis = compose.services.redis?.command?.join(' ') ?? '';
    expect(redis).to.contain('--appendonly yes').and.contain('--maxmemory-policy noeviction');
    for (const service of porticoServices) {
      expect(compose.services[service]?.command, service).to.deep.equal([service]);
    }
  });

  it('runs migrate once before serve and worker, with workers and migrations out of serve', () => {
    for (const service of ['serve', 'worker']) {
      expect(compose.services[service]?.depends_on?.migrate).to.deep.equal({
        condition: 'service_completed_successfully',
      });
    }
    expect(compose.services.migrate?.depends_on?.postgres?.condition).to.equal('service_healthy');
    const serve = compose.services.serve?.environment ?? {};
    expect(serve).to.include({ PORTICO_WORKERS: 'off', PORTICO_MIGRATE_ON_START: 'false' });
    expect(compose.services.worker?.healthcheck).to.deep.equal({ disable: true });
  });

  it('sets only environment variables that the config module knows', () => {
    expect(unknownVariables(composeVariables(compose))).to.deep.equal([]);
  });

  it('gives every Portico service a configuration the config module accepts', () => {
    for (const service of porticoServices) {
      const config = loadConfig(serviceEnvironment(compose, service));
      expect(config.embedded, service).to.equal(false);
      expect(config.secretKey, service).to.match(/^[A-Za-z0-9+/]{43}=$/);
      expect(config.redisUrl, service).to.equal('redis://redis:6379');
      expect(config.smtpUrl, service).to.equal('smtp://mailpit:1025');
    }
    expect(loadConfig(serviceEnvironment(compose, 'serve')).kickstartFile).to.equal(
      '/etc/portico/kickstart.yaml',
    );
  });

  it('catches an unknown variable and a missing required one in a changed copy', () => {
    const text = readFileSync(composePath, 'utf8');
    const typo = readCompose(
      text.replace('    LOG_LEVEL: info\n', '    LOG_LEVEL: info\n    PORTICO_LOGLEVEL: debug\n'),
    );
    expect(unknownVariables(composeVariables(typo))).to.include('PORTICO_LOGLEVEL (serve)');
    const withoutKey = readCompose(text.replace(/ {4}PORTICO_SECRET_KEY_FILE: .*\n/, ''));
    expect(() => loadConfig(serviceEnvironment(withoutKey, 'worker'))).to.throw(
      /PORTICO_SECRET_KEY: required with DATABASE_URL/,
    );
  });

  it('mounts a kickstart file that the real kickstart schema accepts: a tenant and a demo application', () => {
    const mount = compose.services.serve?.volumes?.find((v) => v.endsWith(':/etc/portico/kickstart.yaml:ro'));
    expect(mount).to.equal('./deploy/compose/kickstart.yaml:/etc/portico/kickstart.yaml:ro');
    const file = path.join(repoRoot, 'deploy/compose/kickstart.yaml');
    const parsed = kickstartSchema.safeParse(YAML.parse(readFileSync(file, 'utf8'), { uniqueKeys: true }));
    expect(parsed.error?.issues ?? []).to.deep.equal([]);
    const demo = parsed.data?.tenants?.find((t) => t.slug === 'demo');
    expect(demo?.applications?.map((a) => a.name)).to.include.members(['Demo CLI', 'Demo Web']);
    expect(demo?.users?.length).to.be.greaterThan(0);
  });
});
