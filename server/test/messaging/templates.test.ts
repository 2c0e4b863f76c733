import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { supportedLocales } from '../../src/i18n/locales.js';
import { MessageTemplatesService } from '../../src/messaging/message-templates.service.js';
import { MESSAGE_KINDS } from '../../src/messaging/messaging.service.js';
import { variablesOf } from '../../src/messaging/template-render.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { openTestDataSource } from '../support/databases.js';

describe('message templates', () => {
  let dataSource: DataSource;
  let tenant: Tenant;
  const templates = new MessageTemplatesService();
  const sample = (kind: string) =>
    Object.fromEntries(variablesOf(kind as never).map((name) => [name, `«${name}»`]));

  before(async () => {
    dataSource = await openTestDataSource('pglite');
    tenant = await new TenantsService().create(dataSource.manager, { slug: 'acme', name: 'Acme Inc' });
    tenant.settings = {
      branding: { displayName: 'Acme', primaryColor: '#0a0b0c' },
      locales: { default: 'fr' },
    };
    await dataSource.manager.save(Tenant, tenant);
  });
  after(async () => dataSource?.destroy());

  it('has a built-in email and SMS for every kind in every locale, naming only its variables', async () => {
    for (const kind of MESSAGE_KINDS) {
      for (const locale of supportedLocales) {
        const variables = sample(kind);
        delete variables.tenantName;
        const email = await templates.renderEmail(dataSource.manager, tenant, { kind, locale, variables });
        const sms = await templates.renderSms(dataSource.manager, tenant, { kind, locale, variables });
        const label = `${kind} ${locale}`;
        expect(email.locale, label).to.equal(locale);
        for (const text of [email.subject, email.text, email.html, sms.text]) {
          expect(text, label).to.not.include('{{');
        }
        for (const text of [email.subject, email.html, sms.text]) expect(text, label).to.include('Acme');
        for (const name of Object.keys(variables))
          expect(email.text, `${label} ${name}`).to.include(`«${name}»`);
      }
    }
  });

  it('falls back to the tenant default locale, then English; regional tags find their language', async () => {
    const render = (locale: string) =>
      templates.renderEmail(dataSource.manager, tenant, {
        kind: 'password_changed_notice',
        locale,
        variables: {},
      });
    expect((await render('ja')).locale).to.equal('fr');
    expect((await render('de-AT')).locale).to.equal('de');
    expect((await render('pt')).locale).to.equal('pt-BR');
    expect((await render('pt-br')).subject).to.equal('Sua senha de Acme foi alterada');
  });

  it('uses the tenant override for its locale, the built-in one elsewhere; deleting it restores the default', async () => {
    const declared = {
      kind: 'magic_link' as const,
      channel: 'email' as const,
      locale: 'en',
      subject: 'Sign in to {{tenantName}}',
      textBody: 'Here: {{link}}',
      htmlBody: '<p class="own">Here: <a href="{{link}}">{{link}}</a></p>',
    };
    await templates.set(dataSource.manager, tenant.id, declared);
    const variables = { link: 'https://id.example/t/acme/m?x=1&y=2', expiresInMinutes: '15' };
    const en = await templates.renderEmail(dataSource.manager, tenant, {
      kind: 'magic_link',
      locale: 'en',
      variables,
    });
    expect(en.subject).to.equal('Sign in to Acme');
    expect(en.text).to.equal('Here: https://id.example/t/acme/m?x=1&y=2');
    expect(en.html).to.include('<p class="own">Here: <a href="https://id.example/t/acme/m?x=1&#38;y=2">');
    expect(en.html).to.include('#0a0b0c'); // the override sits in the tenant's branded frame
    const de = await templates.renderEmail(dataSource.manager, tenant, {
      kind: 'magic_link',
      locale: 'de',
      variables,
    });
    expect(de.subject).to.equal('Ihr Anmeldelink für Acme');
    await templates.delete(dataSource.manager, tenant.id, {
      kind: 'magic_link',
      channel: 'email',
      locale: 'en',
    });
    const again = await templates.renderEmail(dataSource.manager, tenant, {
      kind: 'magic_link',
      locale: 'en',
      variables,
    });
    expect(again.subject).to.equal('Your Acme sign-in link');
  });

  it('escapes every variable in HTML, in built-in and tenant templates (SECURITY.md item 37)', async () => {
    const hostile = '"><script>alert(1)</script>';
    const email = await templates.renderEmail(dataSource.manager, tenant, {
      kind: 'email_changed_notice',
      locale: 'en',
      variables: { oldEmail: hostile, newEmail: 'x@example.com' },
    });
    expect(email.html).to.not.include('<script>');
    expect(email.html).to.include('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(email.text).to.include(hostile); // plain text is not HTML
  });

  it('refuses templates naming variables their kind does not have, with a stable code', async () => {
    const attempt = (textBody: string, kind: 'password_reset' | 'sms_otp' = 'password_reset') =>
      templates
        .set(dataSource.manager, tenant.id, { kind, channel: 'email', locale: 'en', subject: 'x', textBody })
        .then(
          () => 'saved',
          (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
        );
    expect(await attempt('Reset: {{link}} {{code}}')).to.match(
      /^messaging_invalid_template: Unknown variable \{\{code\}\}/,
    );
    expect(await attempt('Reset: {{ link }} {{')).to.match(/^messaging_invalid_template/);
    expect(await attempt('Reset: {{link}} within {{expiresInMinutes}} min')).to.equal('saved');
    const badLocale = await templates
      .set(dataSource.manager, tenant.id, {
        kind: 'sms_otp',
        channel: 'sms',
        locale: 'xx',
        textBody: '{{code}}',
      })
      .catch((e: { code: string }) => e.code);
    expect(badLocale).to.equal('messaging_invalid_template');
  });
});
