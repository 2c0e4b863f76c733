import { expect } from 'chai';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { accountFinder } from '../../src/oidc/oidc-accounts.js';
import { describeOnBothDatabases } from '../support/databases.js';

const NO_CONTEXT = {} as KoaContextWithOIDC;
const newTenant = `INSERT INTO tenants (slug, name) VALUES ('acc-' || substr(md5(random()::text), 1, 12), 'Accounts')
  RETURNING id`;
const newUser = `INSERT INTO users (tenant_id, email, email_verified, phone, phone_verified, username, status, profile)
  VALUES ($1, $2, true, '+33612345678', false, $3, $4, $5::jsonb) RETURNING id, updated_at`;

describeOnBothDatabases('OIDC accounts (findAccount)', (db) => {
  let tenantId: string;
  let otherTenantId: string;

  before(async () => {
    [{ id: tenantId }] = await db.dataSource.query(newTenant);
    [{ id: otherTenantId }] = await db.dataSource.query(newTenant);
  });

  const addUser = async (status: string, profile: Record<string, unknown> = {}) => {
    const name = `u${Math.random().toString(36).slice(2, 10)}`;
    const params = [tenantId, `${name}@example.com`, name, status, JSON.stringify(profile)];
    const [row]: { id: string; updated_at: Date }[] = await db.dataSource.query(newUser, params);
    return {
      id: row!.id,
      email: `${name}@example.com`,
      username: name,
      updatedAt: new Date(row!.updated_at),
    };
  };

  it('an active user of the tenant is an account whose claims come from the user row', async () => {
    const user = await addUser('active', { givenName: 'Ada', familyName: 'Lovelace', locale: 'en' });
    const account = await accountFinder(db.dataSource, tenantId)(NO_CONTEXT, user.id);
    expect(account?.accountId).to.equal(user.id);
    const claims = await account!.claims('userinfo', 'openid email phone profile', {}, []);
    expect(claims).to.deep.include({
      sub: user.id,
      email: user.email,
      email_verified: true,
      phone_number: '+33612345678',
      phone_number_verified: false,
      preferred_username: user.username,
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      locale: 'en',
      updated_at: Math.floor(user.updatedAt.getTime() / 1000),
    });
  });

  it('a blocked user, a user of another tenant and a non-uuid subject are not accounts', async () => {
    const blocked = await addUser('blocked');
    const active = await addUser('active');
    expect(await accountFinder(db.dataSource, tenantId)(NO_CONTEXT, blocked.id)).to.equal(undefined);
    expect(await accountFinder(db.dataSource, otherTenantId)(NO_CONTEXT, active.id)).to.equal(undefined);
    expect(await accountFinder(db.dataSource, tenantId)(NO_CONTEXT, 'not-a-uuid')).to.equal(undefined);
  });

  it('lookups made together each get their own user, or none', async () => {
    const [first, blocked, second] = [
      await addUser('active'),
      await addUser('blocked'),
      await addUser('active'),
    ];
    const find = accountFinder(db.dataSource, tenantId);
    const accounts = await Promise.all(
      [first.id, blocked.id, second.id, first.id].map((id) => find(NO_CONTEXT, id)),
    );
    expect(accounts.map((account) => account?.accountId)).to.deep.equal([
      first.id,
      undefined,
      second.id,
      first.id,
    ]);
    const claims = await accounts[2]!.claims('userinfo', 'openid email', {}, []);
    expect(claims).to.include({ sub: second.id, email: second.email });
  });
});
