import { expect } from 'chai';
import { en } from '../../src/i18n/catalogs/en.js';
import { type Locale, supportedLocales } from '../../src/i18n/locales.js';
import { catalogs, isMessageKey, messagePlaceholders, t } from '../../src/i18n/translate.js';
import { resolveTenantSettings } from '../../src/tenants/tenant-settings.js';

// Words that really are the same in the language (checked by a translator, not forgotten English).
const sameAsEnglish: Record<Exclude<Locale, 'en'>, readonly string[]> = {
  de: ['common.optional', 'layout.logoAlt'],
  fr: ['layout.logoAlt', 'account.nav.sessions'],
  es: [],
  'pt-BR': [],
};

describe('message catalogs', () => {
  const englishKeys = Object.keys(en).sort();

  it('cover the locales the tenant settings accept', () => {
    const { locales } = resolveTenantSettings({});
    const fromSettings: readonly Locale[] = locales.supported;
    expect([...fromSettings].sort()).to.deep.equal([...supportedLocales].sort());
    expect(Object.keys(catalogs).sort()).to.deep.equal([...supportedLocales].sort());
  });

  for (const locale of supportedLocales) {
    describe(locale, () => {
      const catalog: Readonly<Record<string, string>> = catalogs[locale];

      it('has exactly the keys of en', () => {
        expect(Object.keys(catalog).sort()).to.deep.equal(englishKeys);
      });

      it('uses the same placeholders as en in every message', () => {
        for (const key of englishKeys) {
          expect(messagePlaceholders(catalog[key] ?? ''), key).to.deep.equal(
            messagePlaceholders(en[key as keyof typeof en]),
          );
        }
      });

      it('has no empty messages, no markup, and no placeholders in error messages', () => {
        for (const [key, message] of Object.entries(catalog)) {
          expect(message.trim(), key).to.not.equal('');
          expect(message, key).to.not.match(/[<>]/);
          if (key.startsWith('error.')) expect(messagePlaceholders(message), key).to.deep.equal([]);
        }
      });

      if (locale !== 'en') {
        it('leaves no English behind', () => {
          const untranslated = englishKeys.filter((key) => catalog[key] === en[key as keyof typeof en]);
          expect(untranslated).to.deep.equal([...sameAsEnglish[locale]].sort());
        });
      }
    });
  }
});

describe('t(locale, key, params)', () => {
  it('fills {placeholders} without escaping (the HTML builder escapes)', () => {
    expect(t('en', 'consent.heading', { client: '<b>"App"</b>' })).to.equal(
      '<b>"App"</b> wants to access your account',
    );
    expect(t('de', 'registration.passwordHint', { minLength: 12 })).to.equal(
      'Verwenden Sie mindestens 12 Zeichen.',
    );
    expect(t('pt-BR', 'logout.questionWithClient', { client: 'App' })).to.equal('Deseja sair de App?');
  });

  it('leaves a placeholder without a value visible, and does not expand placeholders inside values', () => {
    expect(t('en', 'consent.heading')).to.equal('{client} wants to access your account');
    expect(t('en', 'consent.signedInAs', { identifier: '{client}' })).to.equal('Signed in as {client}');
  });

  it('recognises message keys', () => {
    expect(isMessageKey('error.generic')).to.equal(true);
    expect(isMessageKey('toString')).to.equal(false);
  });
});
