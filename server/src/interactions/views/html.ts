/**
 * A tiny HTML builder for the hosted pages (SECURITY.md 37). `html\`…\`` escapes every interpolated
 * value unless it is a `SafeHtml` made by this module, and refuses the patterns that escaping alone
 * cannot make safe: values in unquoted attributes, inline event handlers, `style` attributes, and
 * URLs with a scheme other than http(s) in URL attributes. Raw text (CSS, scripts) only enters through
 * `styleElement` and `scriptElement`, which neutralise anything that could close their element.
 */

// Only this module holds the token, so no other code can construct a SafeHtml around arbitrary text.
const constructionToken = Symbol('SafeHtml construction');

export class SafeHtml {
  readonly #markup: string;

  constructor(token: symbol, markup: string) {
    if (token !== constructionToken) throw new TypeError('SafeHtml is only created by html`…`');
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/** What may be interpolated: text and numbers are escaped; `false`, null and undefined render nothing. */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and for quoted attribute values alike. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (c) => escapes[c] ?? c);

const insideQuotedAttributeValue = /=\s*(?:"[^"]*|'[^']*)$/;
const insideUnsafeAttributeValue = /(?:^|\s)(?:on[a-z]+|style|srcdoc)\s*=\s*(?:"[^"]*|'[^']*)$/i;
const urlAttributeValueStart =
  /(?:^|\s)(?:href|src|action|formaction|poster|cite|data|background)\s*=\s*["']$/i;

/** Whether the markup so far ends inside a start tag (after `<name`, before its `>`). */
const endsInsideTag = (markup: string): boolean => markup.lastIndexOf('<') > markup.lastIndexOf('>');

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += renderValue(value, markup) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(constructionToken, markup);
}

function renderValue(value: HtmlValue, markupBefore: string): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === false || value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((item: HtmlValue) => renderValue(item, markupBefore)).join('');
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeError(`html\`…\` cannot interpolate a ${typeof value}`);
  }
  const text = String(value);
  assertSafeInContext(markupBefore, text);
  return escapeHtml(text);
}

/**
 * Inside a tag, text may only be the value of a quoted attribute (names cannot be escaped), never of
 * an event handler or style attribute, and a URL attribute value must pass `isSafeUrl`. The attribute
 * patterns are checked even in fragments that start mid-tag (html` href="${url}"`).
 */
function assertSafeInContext(markupBefore: string, text: string): void {
  if (endsInsideTag(markupBefore) && !insideQuotedAttributeValue.test(markupBefore)) {
    throw new Error('html`…`: inside a tag, values must be quoted attribute values');
  }
  if (insideUnsafeAttributeValue.test(markupBefore)) {
    throw new Error('html`…`: no values in event handler or style attributes');
  }
  if (
    urlAttributeValueStart.test(markupBefore) &&
    !isSafeUrl(text) &&
    !isInlinePngImage(markupBefore, text)
  ) {
    throw new Error('html`…`: only http(s) and relative URLs may be used in URL attributes');
  }
}

/** A base64 PNG in an `<img src>` (the TOTP enrollment's QR code): an image, never a script or a page. */
function isInlinePngImage(markupBefore: string, text: string): boolean {
  return /<img\b[^>]*\ssrc="$/i.test(markupBefore) && /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(text);
}

/**
 * Whether a URL may appear in a link, form action or image: relative, or absolute http(s). Browsers
 * ignore leading control characters and spaces and drop tabs and newlines inside a scheme, so those
 * are removed before the scheme is read (`java\tscript:` is still `javascript:`).
 */
export function isSafeUrl(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what browsers ignore in URLs
  const normalized = url.replace(/^[\u0000-\u0020]+|[\t\n\r]/g, '');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(normalized)?.[1];
  if (scheme === undefined) return !normalized.includes(':') || /^[/?#.]/.test(normalized);
  return /^https?$/i.test(scheme);
}

/**
 * Whether a URL is a path on this server (`/…`, not `//host` or `/\host`): for links that must never
 * lead to an unregistered address, such as the error page's "Back to sign in".
 */
export const isSameOriginPath = (url: string): boolean => /^\/(?![/\\])/.test(url) && isSafeUrl(url);

/**
 * CSS text made safe for a `<style>` element: no `</` can end the element early (it becomes `<\/`,
 * which CSS reads as the same characters), and NUL characters are dropped.
 */
export const cssForStyleElement = (css: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is removed on purpose
  css.replace(/\u0000/g, '').replace(/<\//g, '<\\/');

export function styleElement(options: { nonce: string; css: string }): SafeHtml {
  return new SafeHtml(
    constructionToken,
    `<style nonce="${escapeHtml(options.nonce)}">${cssForStyleElement(options.css)}</style>`,
  );
}

/** An external script, allowed by the page's nonce (the CSP has no 'unsafe-inline'). */
export function scriptElement(options: { nonce: string; src: string }): SafeHtml {
  return html`<script nonce="${options.nonce}" src="${options.src}"></script>`;
}
