import { expect } from 'chai';
import { Credential } from '../../src/credentials/credential.entity.js';
import { PasskeysService } from '../../src/passkeys/passkeys.service.js';
import {
  NO_PASSKEYS_RECHECK_MS,
  PASSKEYS_RECHECK_MS,
  TenantPasskeys,
} from '../../src/passkeys/tenant-passkeys.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import type { User } from '../../src/users/user.entity.js';
import { MfaHarness, PUBLIC_URL } from '../mfa/mfa.harness.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { SoftwareAuthenticator } from './software-authenticator.js';

/**
 * The identifier page's "does this tenant have passkeys?" (docs/PERFORMANCE.md), kept per process: a
 * tenant without passkeys is asked again only after NO_PASSKEYS_RECHECK_MS, so a passkey registered by
 * another serve process shows its button within that time; one registered here shows it at once; a
 * tenant with passkeys keeps the button for PASSKEYS_RECHECK_MS, so it goes once the last one is removed.
 */
describeOnBothDatabases('tenant passkeys, cached per process', (db) => {
  let harness: MfaHarness;
  let clock: number;
  let statements: number;
  let failNext: boolean;
  const counted = {
    query: (sql: string, parameters?: unknown[]) => {
      statements += 1;
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('database unavailable'));
      }
      return db.dataSource.query(sql, parameters);
    },
  };
  const cache = () => new TenantPasskeys(counted, { now: () => clock });

  before(() => {
    harness = new MfaHarness(db.dataSource);
  });
  beforeEach(() => {
    clock = Date.parse('2026-01-01T00:00:00Z');
    statements = 0;
    failNext = false;
  });

  /** A passkey stored the way another process's registration stores it, unseen by this cache. */
  async function storedElsewhere(tenant: Tenant, user: User): Promise<Credential> {
    const manager = db.dataSource.manager;
    return manager.save(
      manager.create(Credential, {
        tenantId: tenant.id,
        userId: user.id,
        type: 'webauthn',
        name: 'Elsewhere',
        secret: null,
        data: {},
        webauthnCredentialId: new SoftwareAuthenticator().id,
        signCount: '0',
      }),
    );
  }

  /**
   * After one statement answered `believed` and the truth changed: the cache keeps answering `believed`
   * for `recheckMs`, without a statement, then asks again and answers the truth.
   */
  async function expectBelievedUntilRecheck(
    tenants: TenantPasskeys,
    tenant: Tenant,
    recheckMs: number,
    believed: boolean,
  ): Promise<void> {
    clock += recheckMs - 1;
    expect(await tenants.has(tenant.id), 'still believed').to.equal(believed);
    expect(statements, 'answered from the cache').to.equal(1);
    clock += 1;
    expect(await tenants.has(tenant.id), 'asked again once the recheck time has passed').to.equal(!believed);
    expect(statements).to.equal(2);
  }

  it('answers "no" for a tenant without passkeys, asking again only once the recheck time has passed', async () => {
    const tenants = cache();
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant);
    expect(await tenants.has(tenant.id)).to.equal(false);
    expect(await tenants.has(tenant.id)).to.equal(false);
    expect(statements, 'the second page is answered from the cache').to.equal(1);

    await storedElsewhere(tenant, user);
    await expectBelievedUntilRecheck(tenants, tenant, NO_PASSKEYS_RECHECK_MS, false);
  });

  it('keeps "yes" for its recheck time, then sees that the last passkey was removed', async () => {
    const tenants = cache();
    const tenant = await harness.createTenant();
    const credential = await storedElsewhere(tenant, await harness.createUser(tenant));
    expect(await tenants.has(tenant.id)).to.equal(true);
    await db.dataSource.manager.delete(Credential, { id: credential.id });
    await expectBelievedUntilRecheck(tenants, tenant, PASSKEYS_RECHECK_MS, true);
  });

  it('shares one statement between concurrent pages, and keeps no failed answer', async () => {
    const tenants = cache();
    const tenant = await harness.createTenant();
    const other = await harness.createTenant();
    await storedElsewhere(other, await harness.createUser(other));
    const answers = await Promise.all([
      tenants.has(tenant.id),
      tenants.has(tenant.id),
      tenants.has(other.id),
    ]);
    expect(answers).to.deep.equal([false, false, true]);
    expect(statements).to.equal(2);

    const failing = cache();
    failNext = true;
    let failure: unknown;
    await failing.has(tenant.id).catch((error: unknown) => {
      failure = error;
    });
    expect(failure).to.be.an('error');
    expect(await failing.has(tenant.id), 'asked again at once').to.equal(false);
  });

  it('answers "yes" at once after this process registers a passkey, without waiting', async () => {
    const tenants = cache();
    const passkeys = new PasskeysService({
      dataSource: db.dataSource,
      audit: harness.audit,
      attempts: harness.attempts,
      logger: harness.logger,
      publicUrl: PUBLIC_URL,
      tenantPasskeys: tenants,
    });
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant);
    expect(await passkeys.tenantHasPasskeys(tenant.id)).to.equal(false);
    const options = await passkeys.registrationOptions(tenant, user);
    await passkeys.verifyRegistration(
      tenant,
      user,
      new SoftwareAuthenticator().register(options, PUBLIC_URL),
    );
    expect(await passkeys.tenantHasPasskeys(tenant.id)).to.equal(true);
    expect(statements, 'no statement after the registration').to.equal(1);
  });
});
