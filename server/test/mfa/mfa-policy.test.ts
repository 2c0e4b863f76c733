import { expect } from 'chai';
import { ACR_MFA, ACR_PHR, acrFor, amrFor, type CompletedFactor } from '../../src/mfa/factors.js';
import { decideLogin, type LoginPolicyInput } from '../../src/mfa/mfa-policy.js';

const NOW = 1_800_000_000;
const password: CompletedFactor = { method: 'password', at: NOW - 10 };
const totp: CompletedFactor = { method: 'totp', at: NOW - 5 };
const passkeyUv: CompletedFactor = { method: 'passkey', userVerified: true, at: NOW - 5 };
const passkey2fa: CompletedFactor = { method: 'passkey', userVerified: false, at: NOW - 5 };

const base: LoginPolicyInput = {
  tenantPolicy: 'optional',
  allowedFactors: ['totp', 'webauthn', 'recovery_code', 'email_otp'],
  available: [],
  completed: [password],
  now: NOW,
  rememberedDevice: false,
  riskStepUp: false,
};
const decide = (overrides: Partial<LoginPolicyInput>) => decideLogin({ ...base, ...overrides });

/** The MFA / step-up policy engine (issue 6 §2, SECURITY.md item 26), as a table. */
describe('MFA policy engine', () => {
  const table: { name: string; input: Partial<LoginPolicyInput>; expected: Record<string, unknown> }[] = [
    { name: 'optional, nothing enrolled → done', input: {}, expected: { kind: 'done', acr: null } },
    {
      name: 'optional, TOTP enrolled → asked at every password login',
      input: { available: ['totp', 'recovery_code'] },
      expected: { kind: 'second_factor', reasons: ['enrolled'], choices: ['totp', 'recovery_code'] },
    },
    {
      name: 'optional, only a verified email (email_otp) → not an enrollment, done',
      input: { available: ['email_otp'] },
      expected: { kind: 'done' },
    },
    {
      name: 'required, only a verified email → email code asked, no enrollment',
      input: { tenantPolicy: 'required', available: ['email_otp'] },
      expected: { kind: 'second_factor', choices: ['email_otp'] },
    },
    {
      name: 'optional, enrolled, remembered device → done',
      input: { available: ['totp'], rememberedDevice: true },
      expected: { kind: 'done', amr: ['pwd'] },
    },
    {
      name: 'required, nothing enrolled → enrollment of the allowed enrollable factors',
      input: { tenantPolicy: 'required' },
      expected: { kind: 'enrollment', reasons: ['policy_required'], choices: ['totp', 'webauthn'] },
    },
    {
      name: 'required, enrolled → second factor',
      input: { tenantPolicy: 'required', available: ['webauthn', 'totp'] },
      expected: { kind: 'second_factor', choices: ['webauthn', 'totp'] },
    },
    {
      name: 'required, remembered device → done',
      input: { tenantPolicy: 'required', available: ['totp'], rememberedDevice: true },
      expected: { kind: 'done' },
    },
    {
      name: 'the application overrides the tenant (off beats required)',
      input: { tenantPolicy: 'required', applicationPolicy: 'off', available: ['totp'] },
      expected: { kind: 'done' },
    },
    {
      name: 'the application overrides the tenant (required beats optional)',
      input: { applicationPolicy: 'required' },
      expected: { kind: 'enrollment' },
    },
    {
      name: 'acr_values=mfa forces a second factor on a single-factor session, even on a remembered device',
      input: { tenantPolicy: 'off', available: ['totp'], rememberedDevice: true, acrValues: [ACR_MFA] },
      expected: { kind: 'second_factor', reasons: ['acr_values'], choices: ['totp'] },
    },
    {
      name: 'acr_values=mfa already met by password + TOTP → done with acr mfa',
      input: { available: ['totp'], completed: [password, totp], acrValues: [ACR_MFA] },
      expected: { kind: 'done', acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] },
    },
    {
      name: 'acr_values=phr after password + TOTP → a passkey is asked',
      input: { available: ['totp', 'webauthn'], completed: [password, totp], acrValues: [ACR_PHR] },
      expected: { kind: 'second_factor', reasons: ['acr_values'], choices: ['webauthn'] },
    },
    {
      name: 'acr_values=mfa with nothing enrolled → done, recorded as unmet',
      input: { acrValues: [ACR_MFA] },
      expected: { kind: 'done', acr: null, unmet: ['acr_values'] },
    },
    {
      name: 'unknown acr_values are ignored',
      input: { acrValues: ['urn:example:gold'] },
      expected: { kind: 'done' },
    },
    {
      name: 'risk above threshold steps up even on a remembered device',
      input: { available: ['totp'], rememberedDevice: true, riskStepUp: true },
      expected: { kind: 'second_factor', reasons: ['risk'] },
    },
    {
      name: 'risk with no factor → done, unmet risk (the audit event shows it)',
      input: { riskStepUp: true },
      expected: { kind: 'done', unmet: ['risk'] },
    },
    {
      name: 'policy off ignores risk',
      input: { tenantPolicy: 'off', available: ['totp'], riskStepUp: true },
      expected: { kind: 'done', unmet: [] },
    },
    {
      name: 'a factor the tenant does not allow is never offered',
      input: { tenantPolicy: 'required', allowedFactors: ['webauthn'], available: ['totp'] },
      expected: { kind: 'enrollment', choices: ['webauthn'] },
    },
    {
      name: 'max_age: a session older than max_age signs in again',
      input: { maxAge: 5 },
      expected: { kind: 'first_factor' },
    },
    {
      name: 'max_age: a fresh password but a stale second factor asks the second factor again',
      input: {
        available: ['totp'],
        maxAge: 60,
        completed: [
          { method: 'password', at: NOW - 1 },
          { method: 'totp', at: NOW - 600 },
        ],
      },
      expected: { kind: 'second_factor', reasons: ['enrolled'] },
    },
    {
      name: 'passwordless passkey with user verification satisfies required MFA: acr phr, amr hwk user',
      input: {
        tenantPolicy: 'required',
        available: ['webauthn'],
        completed: [passkeyUv],
        acrValues: [ACR_MFA],
      },
      expected: { kind: 'done', acr: ACR_PHR, amr: ['hwk', 'user'] },
    },
    {
      name: 'password + passkey as a second factor → phr, mfa',
      input: { tenantPolicy: 'required', available: ['webauthn'], completed: [password, passkey2fa] },
      expected: { kind: 'done', acr: ACR_PHR, amr: ['pwd', 'hwk', 'mfa'] },
    },
    {
      name: 'after a password login without a passkey, offer to add one',
      input: { passkeysEnabled: true, hasPasskey: false },
      expected: { kind: 'done', offerPasskey: true },
    },
    {
      name: 'no passkey offer when the user has one',
      input: { passkeysEnabled: true, hasPasskey: true },
      expected: { kind: 'done', offerPasskey: false },
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      expect(decide(row.input)).to.deep.include(row.expected);
    });
  }

  it('amr and acr follow ARCHITECTURE.md "Hosted pages"', () => {
    expect(amrFor([password])).to.deep.equal(['pwd']);
    expect(acrFor([password])).to.equal(null);
    expect(amrFor([password, { method: 'sms_otp', at: NOW }])).to.deep.equal(['pwd', 'sms', 'mfa']);
    expect(amrFor([password, { method: 'email_otp', at: NOW }])).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(amrFor([password, { method: 'recovery_code', at: NOW }])).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(acrFor([password, totp])).to.equal(ACR_MFA);
    expect(amrFor([passkeyUv])).to.deep.equal(['hwk', 'user']);
    expect(acrFor([passkeyUv])).to.equal(ACR_PHR);
    expect(acrFor([passkey2fa]), 'a passkey without user verification alone is one factor').to.equal(null);
  });
});
