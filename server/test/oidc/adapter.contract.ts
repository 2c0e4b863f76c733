import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OidcModelStore } from '../../src/oidc/oidc-adapter.js';

/** What a store under test needs from its suite; called from `beforeEach` and tests only. */
export interface OidcStoreFixture {
  store(): OidcModelStore;
  /** A tenant id (a tenants row, where the store needs one). */
  createTenant(): Promise<string>;
  /** An account id of the tenant (a users row, where the store needs one). */
  createAccount(tenantId: string): Promise<string>;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const epochNow = (): number => Math.floor(Date.now() / 1000);
const newId = (): string => randomUUID();

/** A model's payload as oidc-provider writes it: jti and kind, plus the given fields. */
const model = (kind: string, jti: string, fields: Partial<AdapterPayload> = {}): AdapterPayload => ({
  jti,
  kind,
  iat: epochNow(),
  ...fields,
});

async function rejection(promise: Promise<unknown>): Promise<{ code?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as { code?: string },
  );
  expect(error, 'expected a rejection').to.be.instanceOf(Error);
  return error ?? {};
}

/**
 * The contract of an OidcModelStore (STYLE.md §8): oidc-provider's adapter contract, tenant scoping, and
 * the server's extras. Each test works in a tenant of its own.
 */
export function describeOidcAdapterContract(label: string, fixture: OidcStoreFixture): void {
  describe(`oidc model store contract: ${label}`, () => {
    let tenantId: string;
    let adapters: Map<string, Adapter>;
    /** This test's tenant's adapter for a model, created once per model as oidc-provider does. */
    const adapter = (name: string): Adapter => {
      const existing = adapters.get(name);
      if (existing) return existing;
      const created = fixture.store().adapterFactory(tenantId)(name);
      adapters.set(name, created);
      return created;
    };

    beforeEach(async () => {
      tenantId = await fixture.createTenant();
      adapters = new Map();
    });

    it('is a factory oidc-provider calls, not a constructor, and refuses a tenant id that is no uuid', () => {
      const factory = fixture.store().adapterFactory(tenantId);
      expect(factory.prototype, 'a constructable function would be called with new').to.equal(undefined);
      const instance = factory('AccessToken');
      for (const method of ['upsert', 'find', 'findByUid', 'findByUserCode', 'consume', 'destroy'])
        expect(instance).to.have.property(method).that.is.a('function');
      expect(instance.revokeByGrantId).to.be.a('function');
      expect(() => fixture.store().adapterFactory('acme'))
        .to.throw()
        .with.property('code', 'invalid_tenant_id');
    });

    it('finds what it upserted, nested payload intact, by model and id only', async () => {
      const id = newId();
      const payload = model('AccessToken', id, {
        accountId: await fixture.createAccount(tenantId),
        clientId: 'web',
        scope: 'openid email',
        aud: ['https://api.example'],
        claims: { id_token: { email: { essential: true } }, userinfo: { name: null } },
        extra: { org: { id: 'o1', roles: ['admin', 'viewer'] }, flags: [1, null, true, 'ü'] },
        exp: epochNow() + 600,
      });
      await adapter('AccessToken').upsert(id, payload, 600);
      expect(await adapter('AccessToken').find(id)).to.deep.equal(payload);
      expect(await adapter('AccessToken').find(newId())).to.equal(undefined);
      expect(await adapter('RefreshToken').find(id)).to.equal(undefined);
    });

    it('returns a copy: changing a found payload changes nothing stored', async () => {
      const id = newId();
      await adapter('Grant').upsert(id, model('Grant', id, { clientId: 'web' }), 600);
      const found = await adapter('Grant').find(id);
      if (found) found.clientId = 'changed';
      expect(await adapter('Grant').find(id)).to.include({ clientId: 'web' });
    });

    it('replaces payload, uid and grant id on a second upsert of the same id', async () => {
      const [id, oldUid, newUid, oldGrant, newGrant] = [newId(), newId(), newId(), newId(), newId()];
      await adapter('Session').upsert(id, model('Session', id, { uid: oldUid, grantId: oldGrant }), 600);
      const replacement = model('Session', id, { uid: newUid, grantId: newGrant, loginTs: 42 });
      await adapter('Session').upsert(id, replacement, 600);
      expect(await adapter('Session').find(id)).to.deep.equal(replacement);
      expect(await adapter('Session').findByUid(oldUid)).to.equal(undefined);
      expect(await adapter('Session').findByUid(newUid)).to.deep.equal(replacement);
      await adapter('Session').revokeByGrantId(oldGrant);
      expect(await adapter('Session').find(id), 'revoked by its former grant').to.deep.equal(replacement);
    });

    it('stops finding a model once its lifetime has passed, by id, uid and user code', async () => {
      const [session, device, grant, client] = [newId(), newId(), newId(), newId()];
      const [uid, userCode] = [newId(), newId()];
      await adapter('Session').upsert(session, model('Session', session, { uid }), 1);
      await adapter('DeviceCode').upsert(device, model('DeviceCode', device, { userCode }), 1);
      await adapter('Grant').upsert(grant, model('Grant', grant), 3600);
      await adapter('Client').upsert(client, { client_id: client }, undefined);
      expect(await adapter('Session').findByUid(uid)).to.include({ jti: session });
      await delay(1_200);
      expect(await adapter('Session').find(session)).to.equal(undefined);
      expect(await adapter('Session').findByUid(uid)).to.equal(undefined);
      expect(await adapter('DeviceCode').findByUserCode(userCode)).to.equal(undefined);
      expect(await adapter('Grant').find(grant)).to.include({ jti: grant });
      expect(await adapter('Client').find(client), 'no lifetime: never expires').to.include({
        client_id: client,
      });
    });

    it('treats a lifetime already past as expired', async () => {
      const [id, uid] = [newId(), newId()];
      await adapter('Interaction').upsert(id, model('Interaction', id, { uid }), -30);
      expect(await adapter('Interaction').find(id)).to.equal(undefined);
      expect(await adapter('Interaction').findByUid(uid)).to.equal(undefined);
    });

    it('marks a consumed model with `consumed` in epoch seconds, and consumption is final', async () => {
      const [id, other] = [newId(), newId()];
      const payload = model('AuthorizationCode', id, { clientId: 'web', redirectUri: 'https://rp/cb' });
      await adapter('AuthorizationCode').upsert(id, payload, 60);
      await adapter('AuthorizationCode').upsert(other, model('AuthorizationCode', other), 60);
      expect(await adapter('AuthorizationCode').find(id)).not.to.have.property('consumed');
      const before = epochNow();
      await adapter('AuthorizationCode').consume(id);
      const found = await adapter('AuthorizationCode').find(id);
      expect(found).to.deep.include(payload);
      expect(found?.consumed)
        .to.be.a('number')
        .within(before - 1, epochNow() + 1);
      expect(Number.isInteger(found?.consumed), 'whole seconds').to.equal(true);
      expect(await adapter('AuthorizationCode').find(other)).not.to.have.property('consumed');
      await adapter('AuthorizationCode').upsert(id, { ...payload, scope: 'openid' }, 60);
      expect(await adapter('AuthorizationCode').find(id)).to.include({
        scope: 'openid',
        consumed: found?.consumed,
      });
      await adapter('AuthorizationCode').consume(newId()); // a missing id is no error
    });

    it('answers lookups made together (as introspection does) each with its own model, id and state', async () => {
      const [token, consumed, expired, missing] = [newId(), newId(), newId(), newId()];
      await adapter('AccessToken').upsert(token, model('AccessToken', token), 60);
      await adapter('RefreshToken').upsert(consumed, model('RefreshToken', consumed), 60);
      await adapter('RefreshToken').consume(consumed);
      await adapter('AccessToken').upsert(expired, model('AccessToken', expired), 1);
      await delay(1100);
      const found = await Promise.all([
        adapter('AccessToken').find(token),
        adapter('ClientCredentials').find(token),
        adapter('RefreshToken').find(token),
        adapter('RefreshToken').find(consumed),
        adapter('AccessToken').find(consumed),
        adapter('AccessToken').find(expired),
        adapter('AccessToken').find(missing),
        adapter('AccessToken').find(token),
      ]);
      expect(found[0]).to.deep.include({ jti: token, kind: 'AccessToken' });
      expect(found[1], 'another model, same id').to.equal(undefined);
      expect(found[2]).to.equal(undefined);
      expect(found[3]).to.deep.include({ jti: consumed }).and.to.have.property('consumed');
      expect(found[4]).to.equal(undefined);
      expect(found[5], 'expired').to.equal(undefined);
      expect(found[6]).to.equal(undefined);
      expect(found[7]).to.deep.equal(found[0]);
      expect(found[7], 'each caller gets its own copy').not.to.equal(found[0]);
    });

    it('saves made together are all written, and of two saves of one row the later one wins', async () => {
      const [a, b] = [newId(), newId()];
      await Promise.all([
        adapter('AccessToken').upsert(a, model('AccessToken', a, { scope: 'first' }), 60),
        adapter('RefreshToken').upsert(b, model('RefreshToken', b), 60),
        adapter('AccessToken').upsert(a, model('AccessToken', a, { scope: 'second' }), 60),
        adapter('AccessToken').upsert(b, model('AccessToken', b), 60),
        adapter('AccessToken').upsert(a, model('AccessToken', a, { scope: 'third' }), 60),
      ]);
      expect(await adapter('AccessToken').find(a)).to.include({ scope: 'third' });
      expect(await adapter('RefreshToken').find(b)).to.include({ jti: b, kind: 'RefreshToken' });
      expect(await adapter('AccessToken').find(b)).to.include({ jti: b, kind: 'AccessToken' });
    });

    it('finds a Session by uid and a DeviceCode by user code, within their model', async () => {
      const [session, device, uid, userCode] = [
        newId(),
        newId(),
        newId(),
        `WDJB-MJHT-${newId().slice(0, 4)}`,
      ];
      await adapter('Session').upsert(session, model('Session', session, { uid, accountId: 'sub-1' }), 600);
      await adapter('DeviceCode').upsert(device, model('DeviceCode', device, { userCode, params: {} }), 600);
      expect(await adapter('Session').findByUid(uid)).to.include({ jti: session, accountId: 'sub-1' });
      expect(await adapter('DeviceCode').findByUserCode(userCode)).to.include({ jti: device, userCode });
      expect(await adapter('Interaction').findByUid(uid)).to.equal(undefined);
      expect(await adapter('Session').findByUserCode(userCode)).to.equal(undefined);
      expect(await adapter('Session').findByUid(newId())).to.equal(undefined);
      expect(await adapter('DeviceCode').findByUserCode('NOPE-NOPE')).to.equal(undefined);
    });

    it('destroys one model: gone by id and by uid, others stay', async () => {
      const [id, kept, uid] = [newId(), newId(), newId()];
      await adapter('Session').upsert(id, model('Session', id, { uid }), 600);
      await adapter('Session').upsert(kept, model('Session', kept, { uid: newId() }), 600);
      await adapter('Session').destroy(id);
      await adapter('Session').destroy(newId()); // a missing id is no error
      expect(await adapter('Session').find(id)).to.equal(undefined);
      expect(await adapter('Session').findByUid(uid)).to.equal(undefined);
      expect(await adapter('Session').find(kept)).to.include({ jti: kept });
    });

    it('revokes by grant id every model bound to that grant, and nothing else', async () => {
      const [grant, otherGrant] = [newId(), newId()];
      const bound = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Interaction'];
      const ids = await upsertEach(bound, (kind, id) => model(kind, id, { grantId: grant }));
      const [otherToken] = await upsertEach(['AccessToken'], (kind, id) =>
        model(kind, id, { grantId: otherGrant }),
      );
      await adapter('Grant').upsert(grant, model('Grant', grant, { clientId: 'web' }), 600);
      await adapter('AccessToken').revokeByGrantId(grant);
      for (const [i, kind] of bound.entries())
        expect(await adapter(kind).find(ids[i] ?? ''), `${kind} of the grant`).to.equal(undefined);
      expect(await adapter('AccessToken').find(otherToken ?? ''), 'token of another grant').to.not.equal(
        undefined,
      );
      expect(await adapter('Grant').find(grant), 'the Grant itself (destroyed by id)').to.not.equal(
        undefined,
      );
    });

    it('never shows one tenant the rows of another with the same model and id', async () => {
      const otherTenant = await fixture.createTenant();
      const other = fixture.store().adapterFactory(otherTenant);
      const [id, grant, ownUid, foreignUid, foreignCode] = [newId(), newId(), newId(), newId(), newId()];
      const own = model('Session', id, { uid: ownUid, grantId: grant, loginTs: 1 });
      await adapter('Session').upsert(id, own, 600);
      await other('Session').upsert(
        id,
        model('Session', id, { uid: foreignUid, grantId: grant, loginTs: 2 }),
        600,
      );
      await other('DeviceCode').upsert(id, model('DeviceCode', id, { userCode: foreignCode }), 600);
      expect(await adapter('Session').find(id)).to.deep.equal(own);
      expect(await adapter('Session').findByUid(foreignUid)).to.equal(undefined);
      expect(await adapter('DeviceCode').findByUserCode(foreignCode)).to.equal(undefined);
      await other('Session').consume(id);
      expect(await adapter('Session').find(id), 'consumed in the other tenant').to.deep.equal(own);
      await other('Session').revokeByGrantId(grant);
      await other('Session').destroy(id);
      expect(await adapter('Session').find(id), 'revoked and destroyed in the other tenant').to.deep.equal(
        own,
      );
      expect(await other('Session').find(id)).to.equal(undefined);
    });

    it('revokes all sessions of an account: its Sessions, Grants and tokens, in its tenant only', async () => {
      const [account, otherAccount] = [
        await fixture.createAccount(tenantId),
        await fixture.createAccount(tenantId),
      ];
      const kinds = ['Session', 'Grant', 'AccessToken', 'RefreshToken'];
      const ids = await upsertEach(kinds, (kind, id) =>
        model(kind, id, { accountId: account, uid: newId() }),
      );
      const [otherSession] = await upsertEach(['Session'], (kind, id) =>
        model(kind, id, { accountId: otherAccount }),
      );
      const [machineToken] = await upsertEach(['ClientCredentials'], (kind, id) => model(kind, id));
      const elsewhere = await fixture.store().revokeByAccountId(await fixture.createTenant(), account);
      expect(elsewhere).to.deep.equal({ deleted: 0, sessions: [] });
      const revoked = await fixture.store().revokeByAccountId(tenantId, account);
      expect(revoked.deleted).to.equal(4);
      expect(revoked.sessions.map((s) => s.jti)).to.deep.equal([ids[0]]);
      for (const [i, kind] of kinds.entries())
        expect(await adapter(kind).find(ids[i] ?? ''), `${kind} of the account`).to.equal(undefined);
      expect(await adapter('Session').find(otherSession ?? '')).to.include({ accountId: otherAccount });
      expect(await adapter('ClientCredentials').find(machineToken ?? '')).to.not.equal(undefined);
      const error = await rejection(fixture.store().revokeByAccountId(tenantId, 'not-a-user-id'));
      expect(error.code).to.equal('invalid_account_id');
    });

    it('keeps an account id that is no user id in the payload', async () => {
      const id = newId();
      const payload = model('Session', id, { accountId: 'legacy|1234', uid: newId() });
      await adapter('Session').upsert(id, payload, 600);
      expect(await adapter('Session').find(id)).to.deep.equal(payload);
    });

    it('deletes expired rows of every tenant in bounded batches, and no live ones', async () => {
      while ((await fixture.store().deleteExpired()) > 0); // rows other tests left expired
      const other = fixture.store().adapterFactory(await fixture.createTenant());
      await upsertEach(['AccessToken', 'AccessToken', 'Interaction'], (kind, id) => model(kind, id), -60);
      await other('AccessToken').upsert('expired', model('AccessToken', 'expired'), -60);
      const [live] = await upsertEach(['Session'], (kind, id) => model(kind, id), 3600);
      const permanent = newId();
      await adapter('Client').upsert(permanent, { client_id: permanent }); // no lifetime
      expect(await fixture.store().deleteExpired(undefined, 3)).to.equal(3);
      expect(await fixture.store().deleteExpired(new Date(), 3)).to.equal(1);
      expect(await fixture.store().deleteExpired()).to.equal(0);
      expect(await adapter('Session').find(live ?? '')).to.not.equal(undefined);
      expect(await fixture.store().deleteExpired(new Date(Date.now() + 7_200_000))).to.be.at.least(1);
      expect(await adapter('Session').find(live ?? ''), 'expired by the later cutoff').to.equal(undefined);
      expect(await adapter('Client').find(permanent)).to.not.equal(undefined);
      expect((await rejection(fixture.store().deleteExpired(undefined, 0))).code).to.equal(
        'invalid_batch_limit',
      );
    });

    /** Upserts one model of each kind with a fresh id and returns the ids, in order. */
    async function upsertEach(
      kinds: string[],
      payload: (kind: string, id: string) => AdapterPayload,
      expiresIn = 600,
    ): Promise<string[]> {
      const ids: string[] = [];
      for (const kind of kinds) {
        const id = newId();
        await adapter(kind).upsert(id, payload(kind, id), expiresIn);
        ids.push(id);
      }
      return ids;
    }
  });
}
