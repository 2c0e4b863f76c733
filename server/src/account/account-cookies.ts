import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import { cookieValue } from '../http/cookies.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Tenant } from '../tenants/tenant.entity.js';

/** Who is signed in to the account pages of a tenant, as the callback learnt it from the code. */
export interface AccountSession {
  /** The user id (`sub`). */
  sub: string;
  /** When the user last proved who they are (epoch seconds), from the authorization code. */
  authTime: number;
  amr: string[];
  /** The oidc-provider Session's uid: the account pages live exactly as long as it does. */
  sid: string;
  /** Absolute end of this cookie (epoch seconds), whatever the oidc-provider session does. */
  exp: number;
}

/** A sign-in in flight: what the callback must check the code against. */
export interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
  exp: number;
}

export const ACCOUNT_SESSION_MAX_AGE = 12 * 3600;
export const PENDING_SIGN_IN_MAX_AGE = 600;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The account pages' cookies: per tenant by name and path (`/t/T/account`), HttpOnly, SameSite=Lax,
 * Secure when PUBLIC_URL is https, and sealed with AES-256-GCM under a key derived from the key ring.
 * The tenant id is the authenticated data, so a cookie of tenant A never opens on tenant B. Every ring
 * key's derivation is tried when opening, so a key rotation does not sign anybody out.
 */
export class AccountCookies {
  private readonly keys: Buffer[];

  constructor(
    keyRing: KeyRing,
    private readonly secure: boolean,
  ) {
    this.keys = keyRing.deriveKeys('account-session-cookie');
  }

  readSession(req: Request, tenant: Tenant): AccountSession | null {
    return this.openSession(tenant, cookieValue(req, sessionName(tenant)));
  }

  /** The session a cookie value holds, if it was sealed for this tenant and has not expired. */
  openSession(tenant: Tenant, value: string | undefined): AccountSession | null {
    const session = this.open<AccountSession>(tenant, value);
    return session && typeof session.sub === 'string' && typeof session.sid === 'string' ? session : null;
  }

  writeSession(res: Response, tenant: Tenant, session: AccountSession): void {
    this.write(res, tenant, sessionName(tenant), session, ACCOUNT_SESSION_MAX_AGE);
  }

  readPending(req: Request, tenant: Tenant): PendingSignIn | null {
    return this.open<PendingSignIn>(tenant, cookieValue(req, pendingName(tenant)));
  }

  writePending(res: Response, tenant: Tenant, pending: PendingSignIn): void {
    this.write(res, tenant, pendingName(tenant), pending, PENDING_SIGN_IN_MAX_AGE);
  }

  clear(res: Response, tenant: Tenant, which: 'session' | 'pending' | 'both' = 'both'): void {
    const options = this.options(tenant);
    if (which !== 'pending') res.clearCookie(sessionName(tenant), options);
    if (which !== 'session') res.clearCookie(pendingName(tenant), options);
  }

  private write(res: Response, tenant: Tenant, name: string, value: object, maxAgeSeconds: number) {
    res.cookie(name, this.seal(tenant, value), { ...this.options(tenant), maxAge: maxAgeSeconds * 1000 });
  }

  private options(tenant: Tenant): CookieOptions {
    return { path: accountPath(tenant.slug), httpOnly: true, sameSite: 'lax', secure: this.secure };
  }

  seal(tenant: Tenant, value: object): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(tenant.id));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  private open<T extends { exp: number }>(tenant: Tenant, raw: string | undefined): T | null {
    if (!raw) return null;
    const sealed = Buffer.from(raw, 'base64url');
    if (sealed.length <= IV_BYTES + TAG_BYTES) return null;
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(tenant.id));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        const value = JSON.parse(plain.toString('utf8')) as T;
        return typeof value.exp === 'number' && value.exp > nowSeconds() ? value : null;
      } catch {
        // Another ring key may have sealed it; none did → not ours.
      }
    }
    return null;
  }
}

export const accountPath = (slug: string): string => `/t/${slug}/account`;
export const sessionName = (tenant: Pick<Tenant, 'slug'>) => `portico_account_${tenant.slug}`;
const pendingName = (tenant: Tenant) => `portico_account_signin_${tenant.slug}`;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
