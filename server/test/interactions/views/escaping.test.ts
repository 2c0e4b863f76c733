import { expect } from 'chai';
import { consentPage, identifierPage, passwordPage } from '../../../src/interactions/views/index.js';
import { attribute, byTag, findAll, parseHtml, textContent, visibleText } from './html-document.js';
import { defaultBranding, everyPage, hostile, testCsrfToken, testNonce } from './page-fixtures.js';

const base = { locale: 'en', branding: defaultBranding, nonce: testNonce, csrfToken: testCsrfToken } as const;

describe('hosted pages: untrusted values are escaped (SECURITY.md 37)', () => {
  for (const untrusted of [hostile.script, hostile.quotes]) {
    describe(`with every untrusted value set to ${JSON.stringify(untrusted)}`, () => {
      const branding = { ...defaultBranding, displayName: untrusted };
      for (const page of everyPage('en', { untrusted, branding })) {
        it(`${page.name}: no element or attribute is injected`, () => {
          const markup = page.render();
          const { root, problems } = parseHtml(markup);
          expect(problems).to.deep.equal([]);
          expect(markup).to.not.include('<script');
          expect(byTag(root, 'script')).to.deep.equal([]);
          for (const element of findAll(root, () => true)) {
            for (const name of element.attributes.keys()) expect(name).to.not.match(/^on|^data-x$/);
          }
        });
      }
    });
  }

  it('shows a hostile client name as text in the consent heading', () => {
    const page = consentPage({
      ...base,
      action: '/t/acme/consent',
      clientName: hostile.script,
      scopes: ['openid'],
    });
    const [heading] = byTag(parseHtml(page).root, 'h1');
    expect(heading && visibleText(heading)).to.equal(`${hostile.script} wants to access your account`);
    expect(page).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps an identifier with quotes intact inside its value attribute', () => {
    const identifier = `o'brien"@example.com`;
    for (const page of [
      identifierPage({ ...base, action: '/a', identifier, passkeyAutofill: false, passkeysAvailable: false }),
      passwordPage({ ...base, action: '/a', identifier, changeIdentifierHref: '/b' }),
    ]) {
      const { root, problems } = parseHtml(page);
      expect(problems).to.deep.equal([]);
      const inputs = findAll(root, (e) => e.tag === 'input' && attribute(e, 'type') === 'text');
      expect(inputs.map((input) => attribute(input, 'value'))).to.deep.equal([identifier]);
      expect(inputs.map((input) => [...input.attributes.keys()].includes('autocomplete'))).to.deep.equal([
        true,
      ]);
    }
  });

  it('renders an unknown consent scope verbatim but escaped', () => {
    const page = consentPage({
      ...base,
      action: '/t/acme/consent',
      clientName: 'App',
      scopes: ['<img src=x>', 'openid'],
    });
    const items = byTag(parseHtml(page).root, 'li').map(visibleText);
    expect(items).to.deep.equal(['Other permission: <img src=x>', 'Confirm who you are']);
    expect(byTag(parseHtml(page).root, 'img')).to.deep.equal([]);
  });
});

describe("hosted pages: a tenant's custom CSS stays inside its <style> element", () => {
  for (const customCss of [
    hostile.css,
    'a{}</STYLE ><img src=x>',
    'a{}</style\n><script>alert(1)</script>',
    'a{}<\u0000/style><b>x</b>',
  ]) {
    it(`neutralises ${JSON.stringify(customCss)}`, () => {
      const [page] = everyPage('en', { branding: { ...defaultBranding, customCss } });
      const { root, problems } = parseHtml(page?.render() ?? '');
      expect(problems).to.deep.equal([]);
      expect(byTag(root, 'script')).to.deep.equal([]);
      expect(byTag(root, 'img')).to.deep.equal([]);
      expect(byTag(root, 'b')).to.deep.equal([]);
      const styles = byTag(root, 'style');
      expect(styles).to.have.length(2);
      expect(styles.map((s) => attribute(s, 'nonce'))).to.deep.equal([testNonce, testNonce]);
      expect(textContent(styles[1] ?? root)).to.match(/^a\{\}|^body\{color:red\}/);
    });
  }

  it('keeps ordinary CSS, including child combinators and strings, unchanged', () => {
    const customCss = '.portico-card > h1{font-family:"Acme Sans"}\n@media (width < 40em){body{padding:0}}';
    const [page] = everyPage('en', { branding: { ...defaultBranding, customCss } });
    const styles = byTag(parseHtml(page?.render() ?? '').root, 'style');
    expect(styles[1] && textContent(styles[1])).to.equal(customCss);
  });
});
