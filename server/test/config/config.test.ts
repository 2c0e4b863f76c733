import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const key = Buffer.alloc(32, 7).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('defaults to embedded mode on :3000 with PUBLIC_URL derived from PORT', () => {
    const config = loadConfig({});
    expect(config).to.include({
      embedded: true,
      host: '0.0.0.0',
      port: 3000,
      managementPort: 9000,
      publicUrl: 'http://localhost:3000',
      workers: 'inline',
      migrateOnStart: true,
      dataDir: '.portico',
      webConcurrency: 1,
      logLevel: 'info',
      production: false,
    });
    expect(loadConfig({ PORT: '8080' }).publicUrl).to.equal('http://localhost:8080');
  });

  it('strips a trailing slash from PUBLIC_URL and refuses a path', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.com/' }).publicUrl).to.equal(
      'https://id.example.com',
    );
    expect(problemsOf({ PUBLIC_URL: 'https://id.example.com/auth' })).to.deep.equal([
      'PUBLIC_URL: must be an origin with no path, query or fragment',
    ]);
  });

  it('requires PORTICO_SECRET_KEY with DATABASE_URL in any environment', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://db/portico' })[0]).to.match(
      /^PORTICO_SECRET_KEY: required with DATABASE_URL/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://db/portico', PORTICO_SECRET_KEY: key }).embedded).to.equal(
      false,
    );
  });

  it('in production lists every missing setting in one error', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PUBLIC_URL: 'http://id.example.com' });
    expect(problems).to.deep.equal([
      'DATABASE_URL: required in production',
      'PORTICO_SECRET_KEY: required in production',
      'REDIS_URL: required in production',
      'SMTP_URL: required in production',
      'PUBLIC_URL: must be https in production',
    ]);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://id.example.com',
      DATABASE_URL: 'postgresql://portico@db:5432/portico',
      REDIS_URL: 'redis://redis:6379',
      SMTP_URL: 'smtp://user:pass@mail:587',
      PORTICO_SECRET_KEY: key,
      PORTICO_WORKERS: 'off',
      PORTICO_MIGRATE_ON_START: 'false',
      TRUST_PROXY: '1',
      WEB_CONCURRENCY: '2',
    });
    expect(config).to.include({
      production: true,
      workers: 'off',
      migrateOnStart: false,
      trustProxy: 1,
      webConcurrency: 2,
    });
  });

  it('reads NAME_FILE for secrets and refuses both forms at once', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'portico-config-'));
    const file = path.join(dir, 'key');
    writeFileSync(file, `${key}\n`);
    expect(loadConfig({ PORTICO_SECRET_KEY_FILE: file }).secretKey).to.equal(key);
    expect(problemsOf({ PORTICO_SECRET_KEY_FILE: file, PORTICO_SECRET_KEY: key })).to.deep.equal([
      'PORTICO_SECRET_KEY and PORTICO_SECRET_KEY_FILE are both set: set only one',
    ]);
    expect(problemsOf({ DATABASE_URL_FILE: path.join(dir, 'missing') })[0]).to.match(
      /^DATABASE_URL_FILE: cannot read/,
    );
  });

  it('names each invalid variable', () => {
    const problems = problemsOf({
      PORT: 'http',
      PORTICO_WORKERS: 'sometimes',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).to.deep.equal([
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'PORTICO_WORKERS',
    ]);
  });

  it('reads PORTICO_OUTBOUND_ALLOWED_HOSTS as a lower-cased list', () => {
    expect(loadConfig({}).outboundAllowedHosts).to.deep.equal([]);
    expect(
      loadConfig({ PORTICO_OUTBOUND_ALLOWED_HOSTS: 'RP.internal, 10.0.0.5:8443' }).outboundAllowedHosts,
    ).to.deep.equal(['rp.internal', '10.0.0.5:8443']);
  });

  it('parses TRUST_PROXY as Express understands it', () => {
    expect(loadConfig({}).trustProxy).to.equal(undefined);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal('loopback, 10.0.0.0/8');
  });

  it('refuses PORTICO_WORKERS=off without REDIS_URL (nothing else could run the jobs)', () => {
    expect(problemsOf({ PORTICO_WORKERS: 'off' })[0]).to.match(/^PORTICO_WORKERS=off needs REDIS_URL/);
    expect(loadConfig({ PORTICO_WORKERS: 'off', REDIS_URL: 'redis://127.0.0.1:6379' }).workers).to.equal(
      'off',
    );
  });

  it('needs both bootstrap admin variables, and refuses more than one process on PGlite', () => {
    expect(problemsOf({ PORTICO_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' })[0]).to.contain(
      'must be set together',
    );
    expect(problemsOf({ WEB_CONCURRENCY: '2' })[0]).to.match(/^WEB_CONCURRENCY/);
  });
});
