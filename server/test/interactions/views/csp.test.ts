import { expect } from 'chai';
import {
  createCspNonce,
  formActionSource,
  hostedPageCsp,
  hostedPageHeaders,
} from '../../../src/interactions/views/csp.js';

const directives = (policy: string) =>
  Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

describe('hosted page Content-Security-Policy (SECURITY.md 37)', () => {
  it('allows styles and scripts only by nonce, never unsafe-inline', () => {
    const nonce = createCspNonce();
    const policy = hostedPageCsp({ nonce });
    expect(policy).to.equal(
      `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' https: data:; form-action 'self'; ` +
        `frame-ancestors 'none'; base-uri 'none'; script-src 'nonce-${nonce}' 'strict-dynamic'; ` +
        "connect-src 'self'",
    );
    expect(policy).to.not.include('unsafe-inline');
    expect(policy).to.not.include('unsafe-eval');
  });

  it('lets forms lead to the RP: extra form-action origins, reduced to origins and deduplicated', () => {
    const policy = hostedPageCsp({
      nonce: createCspNonce(),
      formActionOrigins: [
        'https://rp.example/callback?x=1',
        'https://rp.example',
        'com.example.app:/oauth2redirect',
      ],
    });
    expect(directives(policy)['form-action']).to.equal("'self' https://rp.example com.example.app:");
  });

  it('refuses origins that could smuggle directives or run script', () => {
    expect(() =>
      hostedPageCsp({ nonce: createCspNonce(), formActionOrigins: ['https://a.example; script-src *'] }),
    ).to.throw();
    expect(() => formActionSource('javascript:alert(1)')).to.throw(/scheme/);
    expect(() => formActionSource('data:text/html,x')).to.throw(/scheme/);
    expect(() => formActionSource('/relative')).to.throw(/absolute/);
  });

  it('creates fresh 128-bit nonces and refuses nonces that could break the header', () => {
    const nonces = new Set(Array.from({ length: 50 }, createCspNonce));
    expect(nonces.size).to.equal(50);
    expect(Buffer.from([...nonces][0] ?? '', 'base64')).to.have.length(16);
    for (const nonce of ["abc'; script-src *", 'short', '']) {
      expect(() => hostedPageCsp({ nonce }), nonce).to.throw(/nonce/);
    }
  });

  it('sends no-referrer, no-store and nosniff with the policy', () => {
    const headers = hostedPageHeaders({ nonce: createCspNonce() });
    expect(headers).to.include({
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    expect(headers['Content-Security-Policy']).to.match(/^default-src 'none'/);
  });
});
