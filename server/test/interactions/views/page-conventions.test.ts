import { expect } from 'chai';
import { supportedLocales } from '../../../src/i18n/locales.js';
import { t } from '../../../src/i18n/translate.js';
import { attribute, byTag, findAll, type HtmlElement, parseHtml, visibleText } from './html-document.js';
import { everyPage, testCsrfToken, testNonce } from './page-fixtures.js';

// ARCHITECTURE.md "Hosted pages": the autocomplete tokens inputs may carry.
const architectureAutocompleteTokens = new Set([
  'username',
  'username webauthn',
  'current-password',
  'new-password',
  'one-time-code',
  'email',
  'tel',
  'given-name',
  'family-name',
]);

const isVisibleInput = (element: HtmlElement) =>
  element.tag === 'input' && attribute(element, 'type') !== 'hidden';
const submitButtons = (root: HtmlElement) =>
  findAll(root, (e) => e.tag === 'button' && attribute(e, 'type') === 'submit');

describe('hosted pages: conventions in every locale (ARCHITECTURE.md "Hosted pages")', () => {
  for (const locale of supportedLocales) {
    for (const page of everyPage(locale, { error: 'error.generic' })) {
      describe(`${page.name} [${locale}]`, () => {
        let markup = '';
        let root: HtmlElement;
        let problems: string[] = [];
        before(() => {
          markup = page.render();
          ({ root, problems } = parseHtml(markup));
        });

        it('is well-formed, with <html lang>, a viewport, no-referrer and a title', () => {
          expect(problems).to.deep.equal([]);
          expect(markup.startsWith('<!doctype html>')).to.equal(true);
          const [htmlElement] = byTag(root, 'html');
          expect(htmlElement && attribute(htmlElement, 'lang')).to.equal(locale);
          const metas = byTag(root, 'meta');
          expect(metas.some((m) => attribute(m, 'name') === 'viewport')).to.equal(true);
          expect(
            metas.some(
              (m) => attribute(m, 'name') === 'referrer' && attribute(m, 'content') === 'no-referrer',
            ),
          ).to.equal(true);
          expect(byTag(root, 'title').map(visibleText)[0]).to.match(/\S/);
          expect(byTag(root, 'h1')).to.have.length(1);
        });

        it('gives every visible input exactly one <label for>, and ids are unique', () => {
          const ids = findAll(root, (e) => e.attributes.has('id')).map((e) => attribute(e, 'id'));
          expect(new Set(ids).size, 'duplicate ids').to.equal(ids.length);
          for (const input of findAll(root, isVisibleInput)) {
            const id = attribute(input, 'id');
            expect(id, 'input without id').to.be.a('string');
            const labels = findAll(root, (e) => e.tag === 'label' && attribute(e, 'for') === id);
            expect(labels, `labels for #${id}`).to.have.length(1);
            expect(visibleText(labels[0] as HtmlElement)).to.match(/\S/);
          }
        });

        it('uses only the autocomplete tokens of ARCHITECTURE.md on text inputs', () => {
          const textInputs = findAll(root, (e) => isVisibleInput(e) && attribute(e, 'type') !== 'checkbox');
          for (const input of textInputs) {
            expect(architectureAutocompleteTokens, `#${attribute(input, 'id')}`).to.include(
              attribute(input, 'autocomplete'),
            );
          }
        });

        it('posts every form with the _csrf token, and its first submit button is the primary action', () => {
          const forms = byTag(root, 'form');
          expect(forms.map((form) => visibleText(submitButtons(form)[0] as HtmlElement))).to.deep.equal(
            page.primaryActions.map((key) => t(locale, key)),
          );
          for (const form of forms) {
            expect(attribute(form, 'method')).to.equal('post');
            const csrf = findAll(form, (e) => e.tag === 'input' && attribute(e, 'name') === '_csrf');
            expect(csrf.map((e) => [attribute(e, 'type'), attribute(e, 'value')])).to.deep.equal([
              ['hidden', testCsrfToken],
            ]);
            expect(
              findAll(form, (e) => e.tag === 'button' && attribute(e, 'type') !== 'submit'),
            ).to.deep.equal([]);
          }
          const primaryButtons = findAll(root, (e) =>
            (attribute(e, 'class') ?? '').includes('portico-primary'),
          );
          if (forms.length > 0) expect(primaryButtons).to.deep.equal([submitButtons(root)[0]]);
        });

        it('shows the error message in a role="alert" element', () => {
          const alerts = findAll(root, (e) => attribute(e, 'role') === 'alert');
          if (page.acceptsError) {
            expect(alerts.map(visibleText)).to.deep.equal([t(locale, 'error.generic')]);
          } else if (page.name === 'errorPage') {
            expect(alerts.map(visibleText)).to.deep.equal([t(locale, 'error.invalidRedirectUri')]);
          } else {
            expect(alerts).to.deep.equal([]);
          }
        });

        it('has no inline event handlers, style attributes, javascript: URLs, or styles and scripts without the nonce', () => {
          for (const element of findAll(root, () => true)) {
            for (const [name, value] of element.attributes) {
              expect(name, `<${element.tag} ${name}>`).to.not.match(/^on|^style$|^srcdoc$/);
              if (['href', 'src', 'action', 'formaction'].includes(name)) {
                expect(value.replace(/\s/g, '')).to.not.match(/^(javascript|data|vbscript):/i);
              }
            }
          }
          for (const element of [...byTag(root, 'style'), ...byTag(root, 'script')]) {
            expect(attribute(element, 'nonce')).to.equal(testNonce);
          }
          expect(findAll(root, (e) => e.tag === 'meta' && e.attributes.has('http-equiv'))).to.deep.equal([]);
        });
      });
    }
  }

  it('renders pages that take an error without an alert when there is none', () => {
    for (const page of everyPage('en').filter((p) => p.acceptsError)) {
      const alerts = findAll(parseHtml(page.render()).root, (e) => attribute(e, 'role') === 'alert');
      expect(alerts, page.name).to.deep.equal([]);
    }
  });
});
