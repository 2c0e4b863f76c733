import { expect } from 'chai';
import {
  contrastRatio,
  mostReadableOn,
  relativeLuminance,
} from '../../../src/interactions/views/contrast.js';
import { html } from '../../../src/interactions/views/html.js';
import { layout } from '../../../src/interactions/views/layout.js';
import {
  brandPalette,
  defaultBrandColors,
  fixedColors,
  minimumTextContrast,
} from '../../../src/interactions/views/palette.js';
import { resolveTenantSettings } from '../../../src/tenants/tenant-settings.js';
import { attribute, byTag, parseHtml, textContent, visibleText } from './html-document.js';
import { testNonce } from './page-fixtures.js';

const render = (branding: Parameters<typeof layout>[0]['branding'], tenantSlug?: string) =>
  parseHtml(
    layout({
      locale: 'fr',
      title: 'Connexion',
      branding,
      nonce: testNonce,
      body: html`<h1>x</h1>`,
      tenantSlug,
    }),
  );

describe('hosted pages: branding', () => {
  it('writes the tenant colours as --portico-primary and --portico-background in the nonce style', () => {
    const { root } = render({ primaryColor: '#0B7285', backgroundColor: '#FFF9DB' });
    const [style] = byTag(root, 'style');
    const css = style ? textContent(style) : '';
    expect(style && attribute(style, 'nonce')).to.equal(testNonce);
    expect(css).to.include('--portico-primary:#0b7285;');
    expect(css).to.include('--portico-background:#fff9db;');
    expect(css).to.match(/:focus-visible\{outline:3px solid var\(--portico-focus\)/);
  });

  it('ignores colours that are not #rrggbb (they are interpolated into CSS)', () => {
    const { root } = render({ primaryColor: 'red;}</style><script>', backgroundColor: 'url(x)' });
    const css = textContent(byTag(root, 'style')[0] ?? root);
    expect(css).to.include(`--portico-primary:${defaultBrandColors.primary};`);
    expect(css).to.include(`--portico-background:${defaultBrandColors.background};`);
  });

  it('shows the logo with the brand name as alt text, or the name alone', () => {
    const withLogo = render({ displayName: 'Acme', logoUrl: 'https://cdn.acme.example/logo.svg' }).root;
    const [logo] = byTag(withLogo, 'img');
    expect(logo && [attribute(logo, 'src'), attribute(logo, 'alt')]).to.deep.equal([
      'https://cdn.acme.example/logo.svg',
      'Acme',
    ]);
    expect(byTag(withLogo, 'title').map(visibleText)).to.deep.equal(['Connexion – Acme']);
    const slugOnly = render({}, 'acme').root;
    expect(byTag(slugOnly, 'header').map(visibleText)).to.deep.equal(['acme']);
    const anonymousLogo = render({ logoUrl: 'https://cdn.example/l.png' }).root;
    expect(byTag(anonymousLogo, 'img').map((img) => attribute(img, 'alt'))).to.deep.equal(['Logo']);
  });

  it('defaults match the tenant settings defaults', () => {
    const { branding } = resolveTenantSettings({});
    expect([branding.primaryColor, branding.backgroundColor]).to.deep.equal([
      defaultBrandColors.primary,
      defaultBrandColors.background,
    ]);
  });
});

describe('hosted pages: colour contrast (WCAG AA, 4.5:1 for text)', () => {
  it('computes WCAG contrast ratios', () => {
    expect(relativeLuminance('#ffffff')).to.equal(1);
    expect(contrastRatio('#000000', '#ffffff')).to.equal(21);
    expect(contrastRatio('#777777', '#777777')).to.equal(1);
    expect(contrastRatio('#767676', '#ffffff')).to.be.closeTo(4.54, 0.01);
  });

  const palette = brandPalette({});
  const textPairs: Array<[string, string, string]> = [
    ['text on card', fixedColors.text, fixedColors.surface],
    ['text on page background', palette.onBackground, palette.background],
    ['button text on primary', palette.onPrimary, palette.primary],
    ['link on card', palette.link, fixedColors.surface],
    ['muted text on card', fixedColors.mutedText, fixedColors.surface],
    ['error text on alert', fixedColors.errorText, fixedColors.errorBackground],
    ['text on read-only input', fixedColors.text, palette.background],
  ];
  for (const [what, foreground, background] of textPairs) {
    it(`default palette: ${what} ≥ 4.5 (${foreground} on ${background})`, () => {
      expect(contrastRatio(foreground, background)).to.be.at.least(minimumTextContrast);
    });
  }

  it('default palette: white text on the default primary button', () => {
    expect(palette.onPrimary).to.equal('#ffffff');
    expect(contrastRatio('#ffffff', defaultBrandColors.primary)).to.be.at.least(minimumTextContrast);
  });

  it('default palette: input borders and focus ring ≥ 3:1 against the card (non-text contrast)', () => {
    expect(contrastRatio(fixedColors.border, fixedColors.surface)).to.be.at.least(3);
    expect(contrastRatio(palette.focus, fixedColors.surface)).to.be.at.least(3);
  });

  it('keeps text readable when a tenant picks a light primary or a dark background', () => {
    const light = brandPalette({ primaryColor: '#ffe066', backgroundColor: '#101418' });
    expect(contrastRatio(light.onPrimary, light.primary)).to.be.at.least(minimumTextContrast);
    expect(light.link).to.equal(fixedColors.text);
    expect(contrastRatio(light.onBackground, light.background)).to.be.at.least(minimumTextContrast);
    expect(mostReadableOn('#000000', ['#111111', '#ffffff'])).to.equal('#ffffff');
  });
});
