import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.service.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import {
  assertFieldDefinition,
  type ProfileFieldDefinition,
} from '../../src/profiles/profile-definitions.js';
import { ProfileField } from '../../src/profiles/profile-field.entity.js';
import { fieldsToAsk, profileClaims } from '../../src/profiles/profile-fields.service.js';
import { validateProfileValues } from '../../src/profiles/profile-values.js';
import { isAppError } from '../../src/shared/errors.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { createTestPortico, type DatabaseKind } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

const APP = '11111111-1111-4111-8111-111111111111';
const OTHER_APP = '22222222-2222-4222-8222-222222222222';

function field(definition: ProfileFieldDefinition): ProfileField {
  return Object.assign(new ProfileField(), {
    id: definition.key,
    tenantId: 't',
    labels: {},
    validation: {},
    requiredAt: null,
    requiredAfterLogins: null,
    applicationId: null,
    position: 0,
    ...definition,
  });
}

const fields = [
  field({ key: 'nickname', type: 'string', validation: { minLength: 2, maxLength: 5, pattern: '[a-z]+' } }),
  field({ key: 'age', type: 'number', validation: { min: 18, max: 130, integer: true } }),
  field({ key: 'newsletter', type: 'boolean' }),
  field({ key: 'birthday', type: 'date', validation: { min: '1900-01-01', max: '2010-12-31' } }),
  field({ key: 'plan', type: 'enum', validation: { options: [{ value: 'free' }, { value: 'pro' }] } }),
];

const codes = (input: Record<string, unknown>, required: string[] = []) =>
  Object.fromEntries(
    validateProfileValues(fields, input, new Set(required)).errors.map((e) => [e.key, e.code]),
  );

describe('profile values: validation with stable codes', () => {
  it('accepts typed values and form strings, returning typed values', () => {
    const result = validateProfileValues(fields, {
      nickname: ' abc ',
      age: '42',
      newsletter: 'on',
      birthday: '1990-02-28',
      plan: 'pro',
    });
    expect(result.errors).to.deep.equal([]);
    expect(result.values).to.deep.equal({
      nickname: 'abc',
      age: 42,
      newsletter: true,
      birthday: '1990-02-28',
      plan: 'pro',
    });
  });

  it('names each broken rule by code', () => {
    expect(codes({ nickname: 'a' })).to.deep.equal({ nickname: 'too_short' });
    expect(codes({ nickname: 'abcdef' })).to.deep.equal({ nickname: 'too_long' });
    expect(codes({ nickname: 'AB1' })).to.deep.equal({ nickname: 'pattern_mismatch' });
    expect(codes({ nickname: 12 })).to.deep.equal({ nickname: 'invalid_type' });
    expect(codes({ age: 17 })).to.deep.equal({ age: 'too_small' });
    expect(codes({ age: 131 })).to.deep.equal({ age: 'too_large' });
    expect(codes({ age: 20.5 })).to.deep.equal({ age: 'not_integer' });
    expect(codes({ age: 'abc' })).to.deep.equal({ age: 'invalid_type' });
    expect(codes({ newsletter: 'maybe' })).to.deep.equal({ newsletter: 'invalid_type' });
    expect(codes({ birthday: '2001-02-30' })).to.deep.equal({ birthday: 'invalid_date' });
    expect(codes({ birthday: '1899-12-31' })).to.deep.equal({ birthday: 'too_early' });
    expect(codes({ birthday: '2011-01-01' })).to.deep.equal({ birthday: 'too_late' });
    expect(codes({ plan: 'gold' })).to.deep.equal({ plan: 'not_an_option' });
    expect(codes({ shoeSize: 42 })).to.deep.equal({ shoeSize: 'unknown_field' });
    expect(codes({ age: '' }, ['age', 'plan'])).to.deep.equal({ age: 'required', plan: 'required' });
  });

  it('anchors patterns: the whole value must match', () => {
    expect(codes({ nickname: 'ab-c' })).to.deep.equal({ nickname: 'pattern_mismatch' });
  });
});

describe('profile field definitions', () => {
  const problem = (definition: ProfileFieldDefinition): string | undefined => {
    try {
      assertFieldDefinition(definition);
      return undefined;
    } catch (error) {
      if (!isAppError(error)) throw error;
      expect(error.code).to.equal('invalid_input');
      return Object.keys(error.details?.fields as object)[0];
    }
  };

  it('accepts every type with its rules', () => {
    for (const f of fields) expect(problem(f), f.key).to.equal(undefined);
    expect(
      problem({ key: 'company', type: 'string', requiredAt: 'after_logins', requiredAfterLogins: 3 }),
    ).to.equal(undefined);
  });

  it('refuses what cannot work, naming the field', () => {
    expect(problem({ key: '1x', type: 'string' })).to.equal('key');
    expect(problem({ key: 'x', type: 'color' as never })).to.equal('type');
    expect(problem({ key: 'x', type: 'string', labels: { klingon: 'x' } })).to.equal('labels');
    expect(problem({ key: 'x', type: 'string', validation: { min: 1 } })).to.equal('validation.min');
    expect(problem({ key: 'x', type: 'string', validation: { minLength: 5, maxLength: 2 } })).to.equal(
      'validation.minLength',
    );
    expect(problem({ key: 'x', type: 'string', validation: { pattern: '(' } })).to.equal(
      'validation.pattern',
    );
    expect(problem({ key: 'x', type: 'number', validation: { min: 5, max: 1 } })).to.equal('validation.min');
    expect(problem({ key: 'x', type: 'date', validation: { max: '2020-13-01' } })).to.equal('validation.max');
    expect(problem({ key: 'x', type: 'enum' })).to.equal('validation.options');
    expect(
      problem({ key: 'x', type: 'enum', validation: { options: [{ value: 'a' }, { value: 'a' }] } }),
    ).to.equal('validation.options');
    expect(problem({ key: 'x', type: 'string', requiredAt: 'after_logins' })).to.equal('requiredAfterLogins');
    expect(problem({ key: 'x', type: 'string', requiredAfterLogins: 2 })).to.equal('requiredAfterLogins');
    expect(problem({ key: 'x', type: 'string', requiredAt: 'before_application' })).to.equal('applicationId');
  });
});

describe('profile fields to ask (missingFor rules)', () => {
  const asked = [
    field({ key: 'company', type: 'string', requiredAt: 'signup', position: 2 }),
    field({
      key: 'phoneType',
      type: 'string',
      requiredAt: 'after_logins',
      requiredAfterLogins: 3,
      position: 1,
    }),
    field({ key: 'plan', type: 'string', requiredAt: 'before_application', applicationId: APP }),
    field({ key: 'hobby', type: 'string' }),
    field({ key: 'team', type: 'string', requiredAt: 'signup', applicationId: OTHER_APP }),
  ];
  const ask = (
    context: Omit<Parameters<typeof fieldsToAsk>[1], 'user'>,
    profile: Record<string, unknown> = {},
  ) =>
    fieldsToAsk(asked, { user: { profile }, ...context }).map(
      (m) => `${m.field.key}${m.required ? '' : '?'}`,
    );

  it('at sign-up: the signup fields (of this application only)', () => {
    expect(ask({ stage: 'signup' })).to.deep.equal(['company']);
    expect(ask({ stage: 'signup', applicationId: OTHER_APP })).to.deep.equal(['team', 'company']);
    expect(ask({ stage: 'signup', includeOptional: true })).to.deep.equal(['hobby?', 'company']);
  });

  it('at login: missing signup fields, after_logins from the Nth login, before_application for that app', () => {
    expect(ask({ stage: 'login', loginCount: 2 })).to.deep.equal(['company']);
    expect(ask({ stage: 'login', loginCount: 3 })).to.deep.equal(['phoneType', 'company']);
    expect(ask({ stage: 'login', loginCount: 1, applicationId: APP })).to.deep.equal(['plan', 'company']);
  });

  it('never asks for a field that has a value', () => {
    expect(
      ask(
        { stage: 'login', loginCount: 5, applicationId: APP },
        { company: 'Acme', plan: 'pro', phoneType: 'x' },
      ),
    ).to.deep.equal([]);
  });

  it('profileClaims: the values of defined fields, by key', () => {
    const user = { profile: { company: 'Acme', givenName: 'Ann', hobby: '' } };
    expect(profileClaims(user, asked)).to.deep.equal({ company: 'Acme' });
    expect(profileClaims({ profile: {} }, asked)).to.equal(undefined);
  });
});

for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  describe(`profile fields service [${kind}]`, function () {
    this.timeout(60_000);
    let portico: Portico;
    let tenant: Tenant;
    const by = { actor: SYSTEM_ACTOR, ip: '198.51.100.1' };

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      portico = await createTestPortico(kind);
      tenant = await portico.dataSource.transaction((m) =>
        portico.tenants.create(m, { slug: 'acme', name: 'Acme' }),
      );
    });
    after(async () => portico?.close());

    it('creates, updates and deletes fields, audited; keys are unique; applications must be the tenant’s', async () => {
      const tx = portico.dataSource.transaction.bind(portico.dataSource);
      const created = await tx((m) =>
        portico.profileFields.create(
          m,
          tenant.id,
          { key: 'company', type: 'string', labels: { en: 'Company' } },
          by,
        ),
      );
      const taken = await tx((m) =>
        portico.profileFields.create(m, tenant.id, { key: 'company', type: 'number' }, by),
      ).catch((e: unknown) => e);
      expect(isAppError(taken) && taken.code).to.equal('conflict');
      const noApp = await tx((m) =>
        portico.profileFields.create(
          m,
          tenant.id,
          { key: 'plan', type: 'string', requiredAt: 'before_application', applicationId: APP },
          by,
        ),
      ).catch((e: unknown) => e);
      expect(isAppError(noApp) && noApp.code).to.equal('not_found');
      const updated = await tx(async (m) => {
        const row = await m.findOneByOrFail(ProfileField, { id: created.id });
        return portico.profileFields.update(
          m,
          row,
          { requiredAt: 'after_logins', requiredAfterLogins: 2 },
          by,
        );
      });
      expect(updated).to.include({
        key: 'company',
        type: 'string',
        requiredAt: 'after_logins',
        requiredAfterLogins: 2,
      });
      expect(updated.labels).to.deep.equal({ en: 'Company' });
      const actions = (await portico.dataSource.manager.findBy(AuditEvent, { tenantId: tenant.id }))
        .filter((e) => e.action.startsWith('profile_field.'))
        .map((e) => [e.action, e.ip]);
      expect(actions).to.deep.equal([
        ['profile_field.created', '198.51.100.1'],
        ['profile_field.updated', '198.51.100.1'],
      ]);
    });

    it('applyValues validates, merges into users.profile and audits; invalid input writes nothing', async () => {
      const tx = portico.dataSource.transaction.bind(portico.dataSource);
      await tx((m) =>
        portico.profileFields.create(
          m,
          tenant.id,
          { key: 'age', type: 'number', validation: { min: 18 } },
          by,
        ),
      );
      const user = await tx((m) =>
        portico.users.create(m, tenant, { email: 'ann@example.com', profile: { givenName: 'Ann' } }),
      );
      const error = await tx((m) =>
        portico.profileFields.applyValues(m, user, { age: '12' }, { required: new Set(['company']) }),
      ).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).to.equal('invalid_profile');
      expect(isAppError(error) && error.details?.fields).to.deep.equal({
        'profile.company': 'is required',
        'profile.age': 'must be at least 18',
      });
      const changed = await tx(async (m) => {
        const row = await m.findOneByOrFail(User, { id: user.id });
        return portico.profileFields.applyValues(m, row, { company: 'Acme', age: '30' });
      });
      expect(changed.sort()).to.deep.equal(['age', 'company']);
      const stored = await portico.dataSource.manager.findOneByOrFail(User, { id: user.id });
      expect(stored.profile).to.deep.equal({ givenName: 'Ann', company: 'Acme', age: 30 });
      const events = await portico.dataSource.manager.findBy(AuditEvent, {
        tenantId: tenant.id,
        action: 'user.profile_updated',
        targetId: user.id,
      });
      expect(events.map((e) => e.data)).to.deep.equal([{ fields: ['profile'], keys: ['age', 'company'] }]);
      const missing = await portico.profileFields.missingFor(portico.dataSource.manager, tenant.id, {
        user: stored,
        stage: 'login',
        loginCount: 5,
      });
      expect(missing).to.deep.equal([]);
    });
  });
}
