import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { KeyRing } from '../../src/secrets/key-ring.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { OneTimeToken } from '../../src/tokens/one-time-token.entity.js';
import {
  MAX_CODE_ATTEMPTS,
  MAX_SENDS_PER_WINDOW,
  OneTimeTokensService,
} from '../../src/tokens/one-time-tokens.service.js';
import { User } from '../../src/users/user.entity.js';
import { describeOnBothDatabases } from '../support/databases.js';

describeOnBothDatabases('one-time links and codes (SECURITY.md ★27)', (db) => {
  let dataSource: DataSource;
  let tokens: OneTimeTokensService;
  let tenant: Tenant;
  let userId: string;
  let other: string;

  before(async () => {
    dataSource = db.dataSource;
    tokens = new OneTimeTokensService(KeyRing.parse(KeyRing.generateKey()));
    tenant = await new TenantsService().create(dataSource.manager, { slug: 'tokens', name: 'Tokens' });
    const insert = (email: string) =>
      dataSource.manager.save(
        dataSource.manager.create(User, {
          tenantId: tenant.id,
          email,
          emailVerified: false,
          phoneVerified: false,
          status: 'active',
          profile: {},
          loginCount: 0,
        }),
      );
    userId = (await insert('ada@example.com')).id;
    other = (await insert('bob@example.com')).id;
  });

  const base = () => ({ tenantId: tenant.id, userId, ttlSeconds: 600 });

  it('a link token has 256 random bits and only its hash is stored', async () => {
    const link = await tokens.issueLink(dataSource.manager, { ...base(), purpose: 'password_reset' });
    expect(Buffer.from(link.token, 'base64url')).to.have.length(32);
    const row = await dataSource.manager.findOneByOrFail(OneTimeToken, { id: link.id });
    expect(row.tokenHash).to.not.contain(link.token);
    expect(JSON.stringify(row)).to.not.contain(link.token);
  });

  it('a link is spent once, even by parallel requests', async () => {
    const link = await tokens.issueLink(dataSource.manager, { ...base(), purpose: 'email_verification' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        dataSource.transaction((m) => tokens.consumeLink(m, tenant.id, 'email_verification', link.token)),
      ),
    );
    expect(results.filter((row) => row !== null)).to.have.length(1);
    expect(await tokens.findLink(dataSource.manager, tenant.id, 'email_verification', link.token)).to.equal(
      null,
    );
  });

  it('a new link revokes the older one; an expired one does not work; another purpose does not match', async () => {
    const first = await tokens.issueLink(dataSource.manager, {
      ...base(),
      userId: other,
      purpose: 'password_reset',
    });
    const second = await tokens.issueLink(dataSource.manager, {
      ...base(),
      userId: other,
      purpose: 'password_reset',
    });
    expect(await tokens.consumeLink(dataSource.manager, tenant.id, 'password_reset', first.token)).to.equal(
      null,
    );
    expect(await tokens.consumeLink(dataSource.manager, tenant.id, 'magic_link', second.token)).to.equal(
      null,
    );
    const expired = await tokens.issueLink(dataSource.manager, {
      ...base(),
      userId: other,
      purpose: 'magic_link',
      ttlSeconds: 1,
    });
    await dataSource.manager.update(
      OneTimeToken,
      { id: expired.id },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    expect(await tokens.consumeLink(dataSource.manager, tenant.id, 'magic_link', expired.token)).to.equal(
      null,
    );
  });

  it('a code works once, only in its own flow, and dies after five wrong guesses', async () => {
    const check = (flowId: string, code: string) =>
      dataSource.transaction((m) =>
        tokens.checkCode(m, { tenantId: tenant.id, userId, purpose: 'email_otp', flowId, code }),
      );
    const issued = await tokens.issueCode(dataSource.manager, {
      ...base(),
      purpose: 'email_otp',
      flowId: 'flow-1',
    });
    expect(issued.code).to.match(/^[0-9]{6}$/);
    expect((await check('flow-2', issued.code)).ok).to.equal(false);
    expect((await check('flow-1', issued.code)).ok).to.equal(true);
    expect((await check('flow-1', issued.code)).ok).to.equal(false);

    const next = await tokens.issueCode(dataSource.manager, {
      ...base(),
      purpose: 'email_otp',
      flowId: 'flow-3',
    });
    const wrong = next.code === '000000' ? '111111' : '000000';
    for (let i = 1; i < MAX_CODE_ATTEMPTS; i++)
      expect(await check('flow-3', wrong)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(await check('flow-3', wrong)).to.deep.equal({ ok: false, reason: 'exhausted' });
    expect((await check('flow-3', next.code)).ok).to.equal(false);
  });

  it(`at most ${MAX_SENDS_PER_WINDOW} links or codes per user and purpose in the window (rate_limited, 429)`, async () => {
    const issue = () =>
      dataSource.transaction((m) =>
        tokens.issueCode(m, { ...base(), userId: other, purpose: 'sms_otp', flowId: 'f' }),
      );
    for (let i = 0; i < MAX_SENDS_PER_WINDOW; i++) await issue();
    const error = await issue().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.include({ code: 'token_rate_limited', status: 429 });
  });
});
