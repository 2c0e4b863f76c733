import { expect } from 'chai';
import { createOidcAdapterFactory } from '../../src/oidc/oidc-adapter.js';
import { OidcKeyBatches } from '../../src/oidc/oidc-key-batches.js';
import { rememberModel, takeModel } from '../../src/oidc/oidc-prefetch.js';
import { createTenant, createUser } from '../db/seed.js';
import { describeOnBothDatabases } from '../support/databases.js';

/**
 * A token's lookup brings its live Grant (and Session, when it expires with it) and its account in the
 * same statement, as do a Session's and an Interaction's lookups their account (docs/PERFORMANCE.md),
 * kept for the one request that read it and used once.
 */
describeOnBothDatabases('oidc key lookups with the Grant of a token', (db) => {
  let tenantId: string;
  let keys: OidcKeyBatches;
  const save = async (model: string, id: string, payload: Record<string, unknown>, expiresIn = 600) =>
    createOidcAdapterFactory(db.dataSource, tenantId)(model).upsert(id, payload, expiresIn);

  before(async () => {
    tenantId = await createTenant(db.dataSource, 'prefetch');
    keys = new OidcKeyBatches(db.dataSource);
    await save('Grant', 'grant-live', { kind: 'Grant', jti: 'grant-live', accountId: 'a' });
    await save('Grant', 'grant-gone', { kind: 'Grant', jti: 'grant-gone' }, -1);
    await save('AccessToken', 'at-live', { kind: 'AccessToken', jti: 'at-live', grantId: 'grant-live' });
    await save('AccessToken', 'at-gone', { kind: 'AccessToken', jti: 'at-gone', grantId: 'grant-gone' });
    await save('Interaction', 'int-1', { kind: 'Interaction', jti: 'int-1', grantId: 'grant-live' });
    await save('Session', 'sess-1', { kind: 'Session', jti: 'sess-1', uid: 'uid-1' });
    const token = { kind: 'AccessToken', grantId: 'grant-live', sessionUid: 'uid-1' };
    await save('AccessToken', 'at-session', { ...token, jti: 'at-session', expiresWithSession: true });
    await save('AccessToken', 'at-offline', { ...token, jti: 'at-offline' });
  });

  it('returns the live Grant with an access token, alone and in a batch', async () => {
    const alone = await keys.find({ tenantId, model: 'AccessToken', id: 'at-live' });
    expect(alone?.payload).to.include({ jti: 'at-live' });
    expect(alone?.grant).to.include({ jti: 'grant-live', accountId: 'a' });
    const [a, b] = await Promise.all([
      keys.find({ tenantId, model: 'AccessToken', id: 'at-live' }),
      keys.find({ tenantId, model: 'Interaction', id: 'int-1' }),
    ]);
    expect(a?.grant).to.include({ jti: 'grant-live' });
    expect(b?.payload).to.include({ jti: 'int-1' });
    expect(b?.grant).to.equal(null);
  });

  it('brings no Grant once it expired, nor for models that are not tokens', async () => {
    const expired = await keys.find({ tenantId, model: 'AccessToken', id: 'at-gone' });
    expect(expired?.payload).to.include({ jti: 'at-gone' });
    expect(expired?.grant).to.equal(null);
    expect((await keys.find({ tenantId, model: 'Interaction', id: 'int-1' }))?.grant).to.equal(null);
  });

  it('brings the live Session by uid only for a token that expires with it', async () => {
    const bound = await keys.find({ tenantId, model: 'AccessToken', id: 'at-session' });
    expect(bound?.session).to.include({ jti: 'sess-1', uid: 'uid-1' });
    const unbound = await keys.find({ tenantId, model: 'AccessToken', id: 'at-offline' });
    expect(unbound?.grant).to.include({ jti: 'grant-live' });
    expect(unbound?.session).to.equal(null);
    expect((await keys.find({ tenantId, model: 'AccessToken', id: 'at-live' }))?.session).to.equal(null);
    await createOidcAdapterFactory(db.dataSource, tenantId)('Session').destroy('sess-1');
    const ended = await keys.find({ tenantId, model: 'AccessToken', id: 'at-session' });
    expect(ended?.payload).to.include({ jti: 'at-session' });
    expect(ended?.session).to.equal(null);
  });

  it("brings the token's account while it is an active user", async () => {
    const userId = await createUser(db.dataSource, tenantId, { profile: { givenName: 'Ada' } });
    const token = { kind: 'AccessToken', jti: 'at-user', grantId: 'grant-live', accountId: userId };
    await save('AccessToken', 'at-user', token);
    await save('Interaction', 'int-user', { kind: 'Interaction', jti: 'int-user', accountId: userId });

    const [mine, interaction] = await Promise.all([
      keys.find({ tenantId, model: 'AccessToken', id: 'at-user' }),
      keys.find({ tenantId, model: 'Interaction', id: 'int-user' }),
    ]);
    expect(mine?.account).to.include({ id: userId });
    expect(mine?.account?.profile).to.deep.equal({ givenName: 'Ada' });
    expect(mine?.account?.fieldKeys).to.deep.equal([]);
    expect(interaction?.account).to.equal(null);

    await db.dataSource.query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [userId]);
    expect((await keys.find({ tenantId, model: 'AccessToken', id: 'at-user' }))?.account).to.equal(null);
  });

  it("brings the account an Interaction's login result names, and a Session's account", async () => {
    const userId = await createUser(db.dataSource, tenantId);
    const strangerId = await createUser(db.dataSource, await createTenant(db.dataSource, 'prefetch-other'));
    const interaction = (id: string, fields: Record<string, unknown>) =>
      save('Interaction', id, { kind: 'Interaction', jti: id, ...fields });
    const signsIn = (accountId: string) => ({ result: { login: { accountId, ts: 1 } } });
    await interaction('int-login', signsIn(userId));
    await interaction('int-upper', signsIn(userId.toUpperCase()));
    await interaction('int-pending', { session: { accountId: userId, uid: 'uid-x' } });
    await interaction('int-stranger', signsIn(strangerId));
    await interaction('int-junk', signsIn("'; SELECT 1; --"));
    await save('Session', 'sess-user', {
      kind: 'Session',
      jti: 'sess-user',
      uid: 'uid-user',
      accountId: userId,
    });

    const ids = ['int-login', 'int-upper', 'int-pending', 'int-stranger', 'int-junk'];
    const found = await Promise.all([
      ...ids.map((id) => keys.find({ tenantId, model: 'Interaction', id })),
      keys.find({ tenantId, model: 'Session', id: 'sess-user' }),
    ]);
    expect(found.map((row) => row?.account?.id ?? null)).to.deep.equal([
      userId, // the resume signs this account in and reads it next
      userId,
      null, // no result yet: the hosted pages read it, not findAccount
      null, // a user of another tenant
      null, // not a user id: no account, and no error
      userId, // the authorization endpoint reads a signed-in Session's account next
    ]);
    expect(
      (await keys.find({ tenantId, model: 'Interaction', id: 'int-login' }))?.account?.fieldKeys,
    ).to.deep.equal([]);

    await db.dataSource.query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [userId]);
    expect((await keys.find({ tenantId, model: 'Interaction', id: 'int-login' }))?.account).to.equal(null);
    expect((await keys.find({ tenantId, model: 'Session', id: 'sess-user' }))?.account).to.equal(null);
  });

  it('keeps a remembered model for its request only, and hands it out once', () => {
    const request = {};
    rememberModel(request, 'Grant:g', { jti: 'g' });
    expect(takeModel({}, 'Grant:g')).to.equal(undefined);
    expect(takeModel(undefined, 'Grant:g')).to.equal(undefined);
    expect(takeModel(request, 'Session:g')).to.equal(undefined);
    expect(takeModel(request, 'Grant:g')).to.deep.equal({ jti: 'g' });
    expect(takeModel(request, 'Grant:g')).to.equal(undefined);
    rememberModel(undefined, 'Grant:h', { jti: 'h' });
    expect(takeModel(request, 'Grant:h')).to.equal(undefined);
  });
});
