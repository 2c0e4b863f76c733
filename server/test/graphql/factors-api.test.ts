import { expect } from 'chai';
import { generateSync } from 'otplib';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { SoftwareAuthenticator } from '../passkeys/software-authenticator.js';
import { needsPostgres } from '../support/services.js';
import {
  codesOf,
  type GraphqlServer,
  KEYS,
  signedAccessToken,
  startGraphqlServer,
  USERS,
} from './harness.js';

const MY_FACTORS =
  '{ me { factors { totp { id } passkeys { id name counterRegressed } recoveryCodesRemaining } } }';
const REMOVE =
  'mutation($id: ID!) { removeMyFactor(id: $id) { totp { id } passkeys { id } recoveryCodesRemaining } }';
const RENAME = 'mutation($id: ID!, $name: String!) { renameMyPasskey(id: $id, name: $name) { id name } }';
const RESET =
  'mutation($userId: ID!) { resetUserFactors(userId: $userId) { removedCredentials forgottenDevices } }';

interface Factors {
  totp: { id: string } | null;
  passkeys: { id: string; name?: string }[];
  recoveryCodesRemaining: number;
}

/** Second factors through GraphQL: `me { factors }`, removal after a recent sign-in, admin reset. */
describe('GraphQL MFA factors', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let bob: User;
  let tenant: Tenant;
  let totpId = '';
  let passkeyId = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const { portico, publicUrl } = api.server;
    const manager = portico.dataSource.manager;
    tenant = await manager.findOneByOrFail(Tenant, { slug: 'acme' });
    bob = await manager.findOneByOrFail(User, { email: USERS.bob.email });
    const actor = { type: 'user' as const, id: bob.id };
    const enrollment = await portico.mfa.totp.beginEnrollment(tenant, bob);
    const code = generateSync({ secret: enrollment.secret });
    await portico.mfa.totp.confirmEnrollment(tenant, bob, code, actor);
    totpId = enrollment.credentialId;
    const authenticator = new SoftwareAuthenticator();
    const options = await portico.mfa.passkeys.registrationOptions(tenant, bob);
    const response = authenticator.register(options, publicUrl);
    passkeyId = (await portico.mfa.passkeys.verifyRegistration(tenant, bob, response)).id;
    await portico.mfa.recoveryCodes.regenerate(tenant, bob.id, actor);
  });
  after(async () => api?.close());

  const tokenOf = (authTime?: number) =>
    signedAccessToken(api, 'acme', {
      sub: bob.id,
      ...(authTime === undefined ? {} : { auth_time: authTime }),
    });
  const now = () => Math.floor(Date.now() / 1000);

  it('lists one’s own factors', async () => {
    const response = await api.gql<{ me: { factors: Factors } }>(MY_FACTORS, {}, await tokenOf());
    expect(response.errors).to.equal(undefined);
    expect(response.data?.me.factors).to.deep.equal({
      totp: { id: totpId },
      passkeys: [{ id: passkeyId, name: 'Passkey', counterRegressed: false }],
      recoveryCodesRemaining: 10,
    });
  });

  it('renames a passkey; removing a factor needs a sign-in within 5 minutes', async () => {
    const renamed = await api.gql(RENAME, { id: passkeyId, name: 'Phone' }, await tokenOf());
    expect(renamed.data?.renameMyPasskey).to.deep.equal({ id: passkeyId, name: 'Phone' });

    const withoutAuthTime = await api.gql(REMOVE, { id: totpId }, await tokenOf());
    expect(codesOf(withoutAuthTime)).to.deep.equal(['FORBIDDEN']);
    const stale = await api.gql(REMOVE, { id: totpId }, await tokenOf(now() - 600));
    expect(codesOf(stale)).to.deep.equal(['FORBIDDEN']);
    const removed = await api.gql<{ removeMyFactor: Factors }>(
      REMOVE,
      { id: totpId },
      await tokenOf(now() - 30),
    );
    expect(removed.errors).to.equal(undefined);
    expect(removed.data?.removeMyFactor).to.deep.equal({
      totp: null,
      passkeys: [{ id: passkeyId }],
      recoveryCodesRemaining: 10,
    });
  });

  it('an access token from a real sign-in carries auth_time, so a fresh login may remove a factor', async () => {
    // Bob still has a passkey and recovery codes: his password login asks for a second factor.
    const actor = { type: 'user' as const, id: bob.id };
    const [recovery] = await api.server.portico.mfa.recoveryCodes.regenerate(tenant, bob.id, actor);
    const token = await api.userToken('acme', USERS.bob, { method: 'recovery_code', code: () => recovery! });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims.auth_time).to.be.a('number').and.closeTo(now(), 60);
    const renamed = await api.gql(RENAME, { id: passkeyId, name: 'Laptop' }, token);
    expect(renamed.errors).to.equal(undefined);
  });

  it('an API key has no factors of its own; a reader cannot reset', async () => {
    expect(codesOf(await api.gql(REMOVE, { id: passkeyId }, KEYS.acmeAdmin))).to.deep.equal(['NOT_FOUND']);
    expect(codesOf(await api.gql(RESET, { userId: bob.id }, KEYS.acmeReader))).to.deep.equal(['FORBIDDEN']);
  });

  it('an admin resets every factor of a user, audited', async () => {
    const reset = await api.gql(RESET, { userId: bob.id }, KEYS.acmeAdmin);
    expect(reset.errors).to.equal(undefined);
    expect(reset.data?.resetUserFactors).to.deep.equal({ removedCredentials: 11, forgottenDevices: 0 });
    const listed = await api.gql<{ me: { factors: Factors } }>(MY_FACTORS, {}, await tokenOf());
    expect(listed.data?.me.factors).to.deep.equal({ totp: null, passkeys: [], recoveryCodesRemaining: 0 });
    const event = await api.server.portico.dataSource.manager.findOneByOrFail(AuditEvent, {
      tenantId: tenant.id,
      action: 'user.mfa_reset',
    });
    expect(event).to.include({ actorType: 'api_key', targetId: bob.id });
  });
});
