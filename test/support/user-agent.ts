import { createHash } from 'node:crypto';

/**
 * A browserless user agent for end-to-end tests of server-rendered pages: a cookie jar (host-only
 * cookies matched by origin and path), redirects followed by hand (so a test can stop before a relying
 * party's redirect_uri, which nobody listens on), and HTML form extraction — action, method, hidden and
 * other named inputs, submit buttons — good enough for Portico's hosted pages and oidc-provider's own
 * auto-submitting forms. It submits only what a browser would: named controls, plus the clicked button.
 */

interface StoredCookie {
  name: string;
  value: string;
  /** Origin the cookie belongs to (host-only cookies; Domain attributes widen nothing here). */
  origin: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | undefined;
  /** Epoch ms, or undefined for a session cookie. */
  expires: number | undefined;
}

/** A cookie jar keyed by origin, name and path, applying RFC 6265 path matching and expiry. */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Stores every `Set-Cookie` of a response received from `url`. */
  store(url: URL, setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const cookie = parseSetCookie(url, header);
      if (!cookie) continue;
      const key = `${cookie.origin} ${cookie.path} ${cookie.name}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  /** The cookies a browser would send to `url`, longest path first. */
  matching(url: URL): StoredCookie[] {
    const now = Date.now();
    return [...this.cookies.values()]
      .filter(
        (c) =>
          c.origin === url.origin &&
          pathMatches(url.pathname, c.path) &&
          (!c.secure || url.protocol === 'https:') &&
          (c.expires === undefined || c.expires > now),
      )
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The `Cookie` header for `url`, or undefined when no cookie applies. */
  headerFor(url: URL): string | undefined {
    const cookies = this.matching(url);
    return cookies.length === 0 ? undefined : cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** Every stored cookie (for assertions on names, paths and flags). */
  all(): StoredCookie[] {
    return [...this.cookies.values()];
  }

  clear(): void {
    this.cookies.clear();
  }
}

function parseSetCookie(url: URL, header: string): StoredCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: StoredCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    origin: url.origin,
    path: defaultPath(url.pathname),
    secure: false,
    httpOnly: false,
    sameSite: undefined,
    expires: undefined,
  };
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    else if (name === 'secure') cookie.secure = true;
    else if (name === 'httponly') cookie.httpOnly = true;
    else if (name === 'samesite') cookie.sameSite = value.toLowerCase();
    else if (name === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (name === 'expires') {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) cookie.expires = at;
    }
  }
  if (maxAge !== undefined) cookie.expires = Date.now() + maxAge * 1000;
  return cookie;
}

/** RFC 6265 §5.1.4 default-path: the request path up to, not including, its last slash. */
function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** A submit button of a form: its name/value are sent only when it is the submitter. */
export interface FormButton {
  name: string | undefined;
  value: string;
  label: string;
}

/** A form as a browser would submit it. */
export interface HtmlForm {
  /** Absolute URL the form posts to (resolved against the page). */
  action: URL;
  method: 'GET' | 'POST';
  /** Named, non-button controls with their current values, in document order. */
  fields: [string, string][];
  /** Names of `type="hidden"` inputs. */
  hidden: Set<string>;
  buttons: FormButton[];
  id: string | undefined;
}

/** One HTTP response, its body read. */
export class Page {
  readonly forms: HtmlForm[];

  constructor(
    readonly url: URL,
    readonly method: string,
    readonly status: number,
    readonly headers: Headers,
    readonly body: string,
  ) {
    this.forms = this.isHtml ? extractForms(body, url) : [];
  }

  get isHtml(): boolean {
    return (this.headers.get('content-type') ?? '').includes('text/html');
  }

  get isRedirect(): boolean {
    return this.status >= 300 && this.status < 400 && this.headers.has('location');
  }

  /** The absolute redirect target, if this is a redirect. */
  get location(): URL | undefined {
    const location = this.headers.get('location');
    return location === null ? undefined : new URL(location, this.url);
  }

  /** The first form whose action path ends with `suffix` (or the only form when no suffix is given). */
  form(suffix?: string): HtmlForm {
    const form =
      suffix === undefined ? this.forms[0] : this.forms.find((f) => f.action.pathname.endsWith(suffix));
    if (!form) {
      throw new Error(
        `no form${suffix ? ` posting to …${suffix}` : ''} on ${this.method} ${this.url.href} (status ${this.status}):\n${this.body.slice(0, 2_000)}`,
      );
    }
    return form;
  }

  hasForm(suffix: string): boolean {
    return this.forms.some((f) => f.action.pathname.endsWith(suffix));
  }

  /** Text of the element with `role="alert"`, tags stripped and whitespace collapsed. */
  alertText(): string | undefined {
    const match = /<(\w+)\b[^>]*\brole="alert"[^>]*>([\s\S]*?)<\/\1>/i.exec(this.body);
    return match?.[2] === undefined ? undefined : textOf(match[2]);
  }

  /** The document title, decoded. */
  title(): string | undefined {
    const match = /<title>([\s\S]*?)<\/title>/i.exec(this.body);
    return match?.[1] === undefined ? undefined : textOf(match[1]);
  }

  /** `<html lang>` */
  lang(): string | undefined {
    return /<html\b[^>]*\blang="([^"]*)"/i.exec(this.body)?.[1];
  }

  /** The page with its oidc-provider auto-submit form (`form_post`, device `verification_uri_complete`). */
  get isAutoSubmit(): boolean {
    return this.isHtml && /document\.forms\[0\]\.submit\(\)/.test(this.body) && this.forms.length > 0;
  }

  /**
   * Inline `<script>` elements that this response's Content-Security-Policy would stop a browser from
   * running (CSP3 inline check: `'unsafe-inline'` without nonces or hashes, a matching nonce, or a
   * matching `'sha256-…'` hash in script-src-elem → script-src → default-src). This agent submits
   * auto-submit forms itself, so a test asks this to know whether a real browser would too.
   */
  blockedInlineScripts(): string[] {
    const header = this.headers.get('content-security-policy');
    if (!this.isHtml || !header) return [];
    const scripts = [...this.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
      (m) => !/\bsrc\s*=/i.test(m[1] ?? ''),
    );
    return scripts
      .filter((m) => {
        const nonce = attributesOf(`<script${m[1] ?? ''}>`).get('nonce');
        const hash = `'sha256-${createHash('sha256')
          .update(m[2] ?? '')
          .digest('base64')}'`;
        return header.split(',').some((policy) => !policyAllowsInline(policy, nonce, hash));
      })
      .map((m) => (m[2] ?? '').trim());
  }

  describe(): string {
    return `${this.method} ${this.url.href} → ${this.status}${this.location ? ` → ${this.location.href}` : ''}\n${this.body.slice(0, 1_500)}`;
  }
}

function policyAllowsInline(policy: string, nonce: string | undefined, hash: string): boolean {
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  const sources =
    directives.get('script-src-elem') ?? directives.get('script-src') ?? directives.get('default-src');
  if (sources === undefined) return true;
  if (nonce !== undefined && sources.includes(`'nonce-${nonce}'`)) return true;
  if (sources.includes(hash)) return true;
  const hasNonceOrHash = sources.some((s) => /^'(nonce|sha256|sha384|sha512)-/.test(s));
  return sources.includes("'unsafe-inline'") && !hasNonceOrHash;
}

const textOf = (markup: string): string =>
  decodeEntities(markup.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return namedEntities[entity.toLowerCase()] ?? whole;
  });
}

/** Attributes of one start tag (`<input a="1" b='2' c=3 d>`), names lower-cased, values decoded. */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const inner = tag.replace(/^<\w+/, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = match[1]?.toLowerCase();
    if (name === undefined || attributes.has(name)) continue;
    attributes.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

function extractForms(body: string, pageUrl: URL): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of body.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const whole = match[0];
    const startTag = /^<form\b[^>]*>/i.exec(whole)?.[0] ?? '<form>';
    const attributes = attributesOf(startTag);
    const content = match[1] ?? '';
    const form: HtmlForm = {
      action: new URL(attributes.get('action') || pageUrl.href, pageUrl),
      method: (attributes.get('method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET',
      fields: [],
      hidden: new Set(),
      buttons: [],
      id: attributes.get('id'),
    };
    for (const control of content.matchAll(/<(input|button|textarea|select)\b[^>]*>([\s\S]*?<\/\1>)?/gi)) {
      const tag = /^<[^>]*>/.exec(control[0])?.[0] ?? '';
      const kind = control[1]?.toLowerCase();
      const a = attributesOf(tag);
      const name = a.get('name');
      if (a.has('disabled')) continue;
      if (kind === 'button') {
        if ((a.get('type') ?? 'submit').toLowerCase() !== 'submit') continue;
        const label = textOf(/^<button\b[^>]*>([\s\S]*?)<\/button>/i.exec(control[0])?.[1] ?? '');
        form.buttons.push({ name, value: a.get('value') ?? '', label });
        continue;
      }
      if (name === undefined) continue;
      if (kind === 'textarea') {
        form.fields.push([
          name,
          decodeEntities(/^<textarea\b[^>]*>([\s\S]*?)<\/textarea>/i.exec(control[0])?.[1] ?? ''),
        ]);
        continue;
      }
      if (kind === 'select') {
        const options = [...(control[0].matchAll(/<option\b[^>]*>/gi) ?? [])].map((o) => attributesOf(o[0]));
        const chosen = options.find((o) => o.has('selected')) ?? options[0];
        if (chosen) form.fields.push([name, chosen.get('value') ?? '']);
        continue;
      }
      const type = (a.get('type') ?? 'text').toLowerCase();
      if (type === 'submit' || type === 'image') {
        form.buttons.push({ name, value: a.get('value') ?? '', label: a.get('value') ?? '' });
        continue;
      }
      if ((type === 'checkbox' || type === 'radio') && !a.has('checked')) continue;
      if (type === 'hidden') form.hidden.add(name);
      form.fields.push([name, a.get('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
    }
    forms.push(form);
  }
  return forms;
}

export interface SubmitOptions {
  /** Values typed by the user, by control name: replace the control's value, or add a field. */
  values?: Record<string, string>;
  /**
   * The submit button to click, by its label, or by name/value. Default: the form's first submit
   * button (what Enter triggers), whose name/value is sent if it has a name.
   */
  button?: string | { name: string; value: string };
}

export interface FollowOptions {
  /** Stop (without requesting it) at a redirect whose target matches; default: any other origin. */
  stopAt?: (url: URL) => boolean;
  maxRedirects?: number;
}

/**
 * One browser: its own cookie jar, a user-agent string, an Accept-Language. Every method returns the
 * last response it got; `navigate` and `submit` follow same-origin redirects and stop at the first
 * redirect that leaves the server (the RP's redirect_uri), returned unrequested in `stoppedAt`.
 */
export class UserAgent {
  readonly jar = new CookieJar();
  readonly history: Page[] = [];

  constructor(readonly options: { userAgent?: string; acceptLanguage?: string; origin?: string } = {}) {}

  /** One request, no redirect following; cookies stored. */
  async request(
    url: URL | string,
    init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    const target = new URL(url);
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    headers.set('user-agent', this.options.userAgent ?? 'portico-test-agent/1.0');
    headers.set('accept', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8');
    if (this.options.acceptLanguage) headers.set('accept-language', this.options.acceptLanguage);
    const cookie = this.jar.headerFor(target);
    if (cookie) headers.set('cookie', cookie);
    if (init.body) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      // Browsers send Origin on POST; the server is same-origin with its forms.
      headers.set('origin', this.options.origin ?? target.origin);
    }
    const response = await fetch(target, { method, headers, body: init.body, redirect: 'manual' });
    this.jar.store(target, response.headers.getSetCookie());
    const page = new Page(target, method, response.status, response.headers, await response.text());
    this.history.push(page);
    return page;
  }

  /** GET `url`, then follow redirects (see `follow`). */
  async navigate(url: URL | string, options: FollowOptions = {}): Promise<Page> {
    return this.follow(await this.request(url), options);
  }

  /**
   * Follows redirects from `page` the way a browser does (303 and 301/302 after POST become GET;
   * 307/308 are not expected here and followed as GET too) until a non-redirect, or until a redirect
   * matches `stopAt` — by default, one that leaves the origin of the page that redirected.
   */
  async follow(page: Page, options: FollowOptions = {}): Promise<Page> {
    let current = page;
    for (let hops = 0; current.isRedirect; hops += 1) {
      if (hops >= (options.maxRedirects ?? 20)) throw new Error(`too many redirects:\n${current.describe()}`);
      const target = current.location!;
      const stop = options.stopAt ? options.stopAt(target) : target.origin !== current.url.origin;
      if (stop) return current;
      current = await this.request(target);
    }
    return current;
  }

  /** Submits `form` with the user's `values` and clicked `button`, then follows redirects. */
  async submit(form: HtmlForm, options: SubmitOptions = {}, follow: FollowOptions = {}): Promise<Page> {
    const data = formData(form, options);
    const page =
      form.method === 'POST'
        ? await this.request(form.action, { method: 'POST', body: data })
        : await this.request(withQuery(form.action, data));
    return this.follow(page, follow);
  }

  /** Submits oidc-provider's auto-submitting form, as a browser running its inline script would. */
  async autoSubmit(page: Page, follow: FollowOptions = {}): Promise<Page> {
    if (!page.isAutoSubmit) throw new Error(`not an auto-submit page:\n${page.describe()}`);
    return this.submit(page.form(), { button: undefined }, follow);
  }
}

/** The form data set a browser builds (HTML §4.10.21.4): controls in order, the submitter, user values. */
export function formData(form: HtmlForm, options: SubmitOptions = {}): URLSearchParams {
  const values = { ...(options.values ?? {}) };
  const data = new URLSearchParams();
  for (const [name, value] of form.fields) {
    if (Object.hasOwn(values, name)) {
      data.append(name, values[name] ?? '');
      delete values[name];
    } else {
      data.append(name, value);
    }
  }
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  const button = pickButton(form, options.button);
  if (button?.name) data.append(button.name, button.value);
  return data;
}

function pickButton(form: HtmlForm, choice: SubmitOptions['button']): FormButton | undefined {
  if (choice === undefined) return form.buttons[0];
  const button =
    typeof choice === 'string'
      ? form.buttons.find((b) => b.label === choice)
      : form.buttons.find((b) => b.name === choice.name && b.value === choice.value);
  if (!button) {
    throw new Error(
      `no submit button ${JSON.stringify(choice)} in the form posting to ${form.action.href}; buttons: ${JSON.stringify(form.buttons)}`,
    );
  }
  return button;
}

function withQuery(url: URL, data: URLSearchParams): URL {
  const target = new URL(url);
  target.search = data.toString();
  return target;
}
