import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import { ConsentPolicy } from '../../src/consent/consent.entity.js';
import { ProfileField } from '../../src/profiles/profile-field.entity.js';
import { isAppError } from '../../src/shared/errors.js';
import { createTestPortico, type DatabaseKind } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

function writeKickstart(content: string): string {
  const file = path.join(tmpdir(), `${Date.now()}-${Math.random().toString(36).slice(2)}-consent.yaml`);
  writeFileSync(file, content);
  return file;
}

const tenantWith = (body: string) => `tenants:
  - slug: acme
    name: Acme
    applications:
      - { name: Web, type: oidc, clientId: web, redirectUris: ["http://127.0.0.1:5555/cb"] }
${body}`;

const FILE = tenantWith(`    consentPolicies:
      - { key: terms, kind: terms, required: true, title: { en: Terms, de: AGB }, url: "https://acme.example/terms" }
      - { key: newsletter, kind: marketing }
    profileFields:
      - { key: company, type: string, labels: { en: Company }, validation: { maxLength: 100 },
          requiredAt: after_logins, requiredAfterLogins: 3 }
      - { key: plan, type: enum, validation: { options: [{ value: free }, { value: pro }] },
          requiredAt: before_application, application: web }
`);

async function kickstartError(portico: Portico, content: string): Promise<string> {
  const error = await portico.kickstart.applyFile(writeKickstart(content)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error) && error.code, String(error)).to.equal('kickstart_invalid');
  return (error as Error).message;
}

for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  describe(`kickstart: consent policies and profile fields (${kind})`, function () {
    this.timeout(60_000);
    let portico: Portico;

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      portico = await createTestPortico(kind);
    });
    after(async () => portico?.close());

    const policies = () =>
      portico.dataSource.manager.find(ConsentPolicy, { order: { key: 'ASC', version: 'ASC' } });

    it('creates version 1 of each policy and the fields (an application by its clientId)', async () => {
      const report = await portico.kickstart.applyFile(writeKickstart(FILE));
      expect(report.created).to.include({ consentPolicies: 2, profileFields: 2 });
      expect((await policies()).map((p) => [p.key, p.version, p.kind, p.required])).to.deep.equal([
        ['newsletter', 1, 'marketing', false],
        ['terms', 1, 'terms', true],
      ]);
      const fields = await portico.dataSource.manager.find(ProfileField, { order: { key: 'ASC' } });
      expect(fields.map((f) => [f.key, f.type, f.requiredAt, f.requiredAfterLogins])).to.deep.equal([
        ['company', 'string', 'after_logins', 3],
        ['plan', 'enum', 'before_application', null],
      ]);
      expect(fields[1]?.applicationId).to.be.a('string');
    });

    it('publishes nothing when applied again', async () => {
      const report = await portico.kickstart.applyFile(writeKickstart(FILE));
      expect(report.changes).to.equal(0);
      expect(await policies()).to.have.length(2);
    });

    it('publishes a new version only for a policy whose declared fields changed; updates fields in place', async () => {
      const changed = tenantWith(`    consentPolicies:
      - { key: terms, kind: terms, url: "https://acme.example/terms-2" }
      - { key: newsletter, kind: marketing }
    profileFields:
      - { key: company, type: string, requiredAt: signup }
`);
      const report = await portico.kickstart.applyFile(writeKickstart(changed));
      expect(report.updated).to.include({ consentPolicies: 1, profileFields: 1 });
      const terms = (await policies()).filter((p) => p.key === 'terms');
      expect(terms.map((p) => [p.version, p.url, p.required])).to.deep.equal([
        [1, 'https://acme.example/terms', true],
        [2, 'https://acme.example/terms-2', true],
      ]);
      expect(terms[1]?.title).to.deep.equal({ en: 'Terms', de: 'AGB' });
      const company = await portico.dataSource.manager.findOneByOrFail(ProfileField, { key: 'company' });
      expect([company.requiredAt, company.requiredAfterLogins, company.labels]).to.deep.equal([
        'signup',
        null,
        { en: 'Company' },
      ]);
      expect((await portico.kickstart.applyFile(writeKickstart(changed))).changes).to.equal(0);
    });

    it('names the path of a bad declaration and changes nothing', async () => {
      const before = await policies();
      expect(
        await kickstartError(
          portico,
          tenantWith(`    consentPolicies:
      - { key: terms, kind: terms, colour: blue }
`),
        ),
      ).to.include('tenants[0].consentPolicies[0].colour: unknown key');
      expect(
        await kickstartError(
          portico,
          tenantWith(`    consentPolicies:
      - { key: terms, kind: terms, required: false }
    profileFields:
      - { key: age, type: number, validation: { min: 9, max: 1 } }
`),
        ),
      ).to.include('tenants[0].profileFields[0].validation.min: min is at most max.');
      expect(
        await kickstartError(
          portico,
          tenantWith(`    profileFields:
      - { key: plan, type: string, requiredAt: before_application, application: nope }
`),
        ),
      ).to.include('tenants[0].profileFields[0].application: no application nope in tenant acme');
      expect(
        await kickstartError(
          portico,
          tenantWith(`    consentPolicies:
      - { key: terms, kind: terms, title: { xx: Hi } }
`),
        ),
      ).to.include('tenants[0].consentPolicies[0].title');
      expect(await policies()).to.deep.equal(before);
    });
  });
}
