import { expect } from 'chai';
import { createOidcAdapterFactory } from '../../src/oidc/oidc-adapter.js';
import { rememberGrant, takeGrant } from '../../src/oidc/oidc-grant-prefetch.js';
import { OidcKeyBatches } from '../../src/oidc/oidc-key-batches.js';
import { createTenant } from '../db/seed.js';
import { describeOnBothDatabases } from '../support/databases.js';

/**
 * A token's lookup brings its live Grant in the same statement (docs/PERFORMANCE.md), kept for the one
 * request that read it and used once.
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

  it('keeps a remembered Grant for its request only, and hands it out once', () => {
    const request = {};
    rememberGrant(request, 'g', { jti: 'g' });
    expect(takeGrant({}, 'g')).to.equal(undefined);
    expect(takeGrant(undefined, 'g')).to.equal(undefined);
    expect(takeGrant(request, 'g')).to.deep.equal({ jti: 'g' });
    expect(takeGrant(request, 'g')).to.equal(undefined);
    rememberGrant(undefined, 'h', { jti: 'h' });
    expect(takeGrant(request, 'h')).to.equal(undefined);
  });
});
