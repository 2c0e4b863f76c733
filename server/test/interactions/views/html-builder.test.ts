import { expect } from 'chai';
import { escapeHtml, html, isSafeUrl, SafeHtml, styleElement } from '../../../src/interactions/views/html.js';

describe('html`…` builder', () => {
  it('escapes interpolated text and numbers, passes SafeHtml through, and skips false/null/undefined', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${'a & "b"'} ${7} ${inner}${false}${null}${undefined}</p>`.toString()).to.equal(
      '<p>a &amp; &quot;b&quot; 7 <b>&lt;i&gt;</b></p>',
    );
  });

  it('flattens arrays, escaping each item', () => {
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.toString()).to.equal('<ul>&lt;a&gt;<li>ok</li></ul>');
  });

  it('escapes both quote characters so attribute values cannot be closed', () => {
    expect(escapeHtml(`"'\`<>&`)).to.equal('&quot;&#39;&#96;&lt;&gt;&amp;');
    expect(html`<input value='${"' onfocus='x"}'>`.toString()).to.equal(
      `<input value='&#39; onfocus=&#39;x'>`,
    );
  });

  it('refuses text where escaping cannot help: unquoted values, attribute names, handlers, style', () => {
    expect(() => html`<input value=${'x onfocus=alert(1)'}>`).to.throw(/quoted/);
    expect(() => html`<input ${'onfocus=alert(1)'}>`).to.throw(/quoted/);
    expect(() => html`<button onclick="go(${'1'})">`).to.throw(/event handler/);
    expect(() => html`<p style="color:${'red'}">`).to.throw(/style/);
  });

  it('refuses script-capable URLs in URL attributes, also in fragments that start mid-tag', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,x',
    ]) {
      expect(() => html`<a href="${url}">x</a>`, url).to.throw(/URL/);
      expect(() => html` href="${url}"`, url).to.throw(/URL/);
      expect(() => html`<form action="${url}">`, url).to.throw(/URL/);
    }
    expect(html`<a href="${'/t/acme/x?y=1&z=2'}">x</a>`.toString()).to.equal(
      '<a href="/t/acme/x?y=1&amp;z=2">x</a>',
    );
    expect(html`<img src="${'https://cdn.example/logo.png'}">`.toString()).to.include('https://cdn.example');
  });

  it('classifies URLs', () => {
    expect(
      ['/a', '?x', '#f', 'relative/path', 'https://x.example', 'HTTP://x.example'].map(isSafeUrl),
    ).to.deep.equal([true, true, true, true, true, true]);
    expect(
      ['javascript:x', 'vbscript:x', 'data:x', 'x:y', '\u0001javascript:x'].map(isSafeUrl),
    ).to.deep.equal([false, false, false, false, false]);
  });

  it('cannot be forged: SafeHtml is only constructed by this module', () => {
    expect(() => new SafeHtml(Symbol('SafeHtml construction'), '<script>')).to.throw(TypeError);
  });

  it('keeps CSS inside its style element', () => {
    expect(styleElement({ nonce: 'n', css: 'a{}</style><script>' }).toString()).to.equal(
      '<style nonce="n">a{}<\\/style><script></style>',
    );
  });

  it('takes a base64 PNG only as an <img src> (the QR code), never as a link or another data: type', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    expect(html`<img src="${png}" alt="QR">`.toString()).to.equal(`<img src="${png}" alt="QR">`);
    expect(() => html`<a href="${png}">x</a>`).to.throw(/http\(s\)/);
    expect(() => html`<img src="${'data:text/html;base64,PHNjcmlwdD4='}">`).to.throw(/http\(s\)/);
    expect(() => html`<img src="${'data:image/svg+xml;base64,PHN2Zz4='}">`).to.throw(/http\(s\)/);
  });
});
