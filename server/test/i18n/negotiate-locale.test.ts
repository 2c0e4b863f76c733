import { expect } from 'chai';
import { supportedLocales } from '../../src/i18n/locales.js';
import { matchSupportedLocale, negotiateLocale } from '../../src/i18n/negotiate-locale.js';

const all = supportedLocales;

describe('negotiateLocale', () => {
  it('prefers ui_locales over Accept-Language', () => {
    expect(
      negotiateLocale({ uiLocales: 'fr', acceptLanguage: 'de', supported: all, fallback: 'en' }),
    ).to.equal('fr');
  });

  it('takes the first supported ui_locales tag, in order', () => {
    expect(negotiateLocale({ uiLocales: 'ja  es-MX de', supported: all, fallback: 'en' })).to.equal('es');
  });

  it('falls through to Accept-Language when no ui_locales tag is supported', () => {
    expect(
      negotiateLocale({ uiLocales: 'ja ko', acceptLanguage: 'de', supported: all, fallback: 'en' }),
    ).to.equal('de');
  });

  it('orders Accept-Language by q-value, not by position', () => {
    const acceptLanguage = 'en;q=0.5, fr;q=0.9, de;q=0.7';
    expect(negotiateLocale({ acceptLanguage, supported: all, fallback: 'en' })).to.equal('fr');
  });

  it('keeps header order for equal q-values and skips q=0 and the wildcard', () => {
    expect(negotiateLocale({ acceptLanguage: 'es, de', supported: all, fallback: 'en' })).to.equal('es');
    expect(
      negotiateLocale({ acceptLanguage: 'fr;q=0, *, de;q=0.1', supported: all, fallback: 'en' }),
    ).to.equal('de');
  });

  it('matches by language alone: pt → pt-BR, pt-PT → pt-BR, de-AT → de', () => {
    expect(negotiateLocale({ acceptLanguage: 'pt', supported: all, fallback: 'en' })).to.equal('pt-BR');
    expect(negotiateLocale({ uiLocales: 'pt-PT', supported: all, fallback: 'en' })).to.equal('pt-BR');
    expect(negotiateLocale({ acceptLanguage: 'de-AT,de;q=0.9', supported: all, fallback: 'en' })).to.equal(
      'de',
    );
    expect(negotiateLocale({ acceptLanguage: 'PT-br', supported: all, fallback: 'en' })).to.equal('pt-BR');
  });

  it("returns the tenant's fallback for unsupported or malformed input", () => {
    expect(negotiateLocale({ acceptLanguage: 'ja, zh-CN;q=0.8', supported: all, fallback: 'de' })).to.equal(
      'de',
    );
    expect(
      negotiateLocale({ acceptLanguage: ';;;,q=,\u0000', uiLocales: '!!', supported: all, fallback: 'fr' }),
    ).to.equal('fr');
    expect(negotiateLocale({ supported: all, fallback: 'es' })).to.equal('es');
  });

  it('ignores malformed q-values and only offers locales the tenant supports', () => {
    expect(negotiateLocale({ acceptLanguage: 'fr;q=2, es;q=0.3', supported: all, fallback: 'en' })).to.equal(
      'es',
    );
    expect(negotiateLocale({ acceptLanguage: 'fr, de', supported: ['en', 'de'], fallback: 'en' })).to.equal(
      'de',
    );
    expect(negotiateLocale({ acceptLanguage: 'fr', supported: ['de'], fallback: 'en' })).to.equal('de');
  });

  it('matches single tags', () => {
    expect(matchSupportedLocale('EN-gb', all)).to.equal('en');
    expect(matchSupportedLocale('it', all)).to.equal(undefined);
  });
});
