import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { StatementParams } from '../db/statement-params.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';

const DEVICE_ID_BYTES = 16;
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const FINGERPRINT_PURPOSE = 'portico/device-fingerprint/v1';
const REMEMBER_PURPOSE = 'portico/remembered-device/v1';
const MAX_USER_AGENT = 512;

export interface DeviceSighting {
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
}

export interface RememberedDevice {
  /** The cookie's value: `<deviceId>.<expiry epoch s>.<HMAC>`. */
  cookieValue: string;
  expiresAt: Date;
}

/** The remembered-device cookie of a tenant: per tenant in name and path (ARCHITECTURE.md "Cookies"). */
export const rememberedDeviceCookieName = (tenant: Pick<Tenant, 'slug'>) => `portico_${tenant.slug}_device`;

/**
 * Devices a user signs in from (`devices`): known devices feed the risk engine's "new device" signal,
 * remembered ones skip the second factor until `lifetimes.rememberedDevice` runs out. A browser carries
 * a random device id; the table keeps only its HMAC (`fingerprint_hash`). The remembered-device cookie
 * binds tenant, user, device and expiry under an HMAC key derived from the key ring, and the row must
 * still be remembered: so forgetting (password reset, factor reset) works server-side.
 */
export class DevicesService {
  constructor(private readonly keyRing: KeyRing) {}

  /** A new random device id for a browser that has none. */
  static newDeviceId(): string {
    return randomBytes(DEVICE_ID_BYTES).toString('base64url');
  }

  /** Records a successful sign-in from the device; true when the user had used it before. */
  async recordSighting(
    manager: EntityManager,
    tenantId: string,
    userId: string,
    deviceId: string,
    sighting: DeviceSighting = {},
  ): Promise<boolean> {
    const params = new StatementParams();
    const rows: { known: boolean }[] = await manager.query(
      `${this.sightingStatement(params, tenantId, userId, deviceId, sighting)} RETURNING (xmax <> 0) AS known`,
      params.values,
    );
    return rows[0]?.known === true;
  }

  /** `recordSighting` as a statement for the caller to run inside its own (a data-modifying CTE). */
  sightingStatement(
    params: StatementParams,
    tenantId: string,
    userId: string,
    deviceId: string,
    sighting: DeviceSighting = {},
  ): string {
    const values = [
      tenantId,
      userId,
      this.fingerprint(deviceId),
      sighting.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      sighting.ip ?? null,
    ].map((value) => params.add(value));
    return `INSERT INTO devices (tenant_id, user_id, fingerprint_hash, user_agent, last_ip)
       VALUES (${values.join(', ')})
       ON CONFLICT (user_id, fingerprint_hash) DO UPDATE
         SET last_seen_at = now(), last_ip = EXCLUDED.last_ip, user_agent = EXCLUDED.user_agent`;
  }

  /**
   * Whether the user signed in from this device before, as a boolean expression for the caller to put
   * in its own statement (the risk signals of a login are read in one): `false` without a device id.
   */
  knownCondition(
    params: StatementParams,
    tenantId: string,
    userId: string,
    deviceId: string | undefined,
  ): string {
    if (!isDeviceId(deviceId)) return 'false';
    return `EXISTS (SELECT 1 FROM devices WHERE tenant_id = ${params.add(tenantId)} AND user_id = ${params.add(userId)}
      AND fingerprint_hash = ANY(${params.add(this.fingerprints(deviceId))}::text[]))`;
  }

  /** Remembers the device for the tenant's `lifetimes.rememberedDevice`; returns the cookie to set. */
  async remember(
    manager: EntityManager,
    tenant: Tenant,
    userId: string,
    deviceId: string,
    sighting: DeviceSighting = {},
  ): Promise<RememberedDevice> {
    if (!isDeviceId(deviceId)) throw new TypeError('not a device id');
    const lifetime = resolveTenantSettings(tenant.settings).lifetimes.rememberedDevice;
    const expiry = Math.floor(Date.now() / 1000) + lifetime;
    await this.recordSighting(manager, tenant.id, userId, deviceId, sighting);
    await manager.query(
      `UPDATE devices SET remembered_until = to_timestamp($4)
        WHERE tenant_id = $1 AND user_id = $2 AND fingerprint_hash = $3`,
      [tenant.id, userId, this.fingerprint(deviceId), expiry],
    );
    const payload = `${deviceId}.${expiry}`;
    const mac = this.mac(this.keyRing.deriveKey(REMEMBER_PURPOSE), tenant.id, userId, payload);
    return { cookieValue: `${payload}.${mac}`, expiresAt: new Date(expiry * 1000) };
  }

  /**
   * Whether the cookie remembers this device for this user: a valid HMAC (under any ring key), not
   * expired, and the device still remembered in the table. Anything malformed is simply "no".
   */
  async isRemembered(
    manager: EntityManager,
    tenant: Tenant,
    userId: string,
    cookieValue: string | undefined,
  ): Promise<boolean> {
    const parsed = this.parseCookie(tenant.id, userId, cookieValue);
    if (parsed === null || parsed.expiry * 1000 <= Date.now()) return false;
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM devices WHERE tenant_id = $1 AND user_id = $2
          AND fingerprint_hash = ANY($3::text[]) AND remembered_until > now()`,
      [tenant.id, userId, this.fingerprints(parsed.deviceId)],
    );
    return rows.length > 0;
  }

  /** The device id of a remembered-device cookie whose HMAC verifies (expiry not checked). */
  deviceIdOf(tenantId: string, userId: string, cookieValue: string | undefined): string | undefined {
    return this.parseCookie(tenantId, userId, cookieValue)?.deviceId;
  }

  /** Forgets every remembered device of the user (password reset, factor reset); returns how many. */
  async forgetAll(manager: EntityManager, tenantId: string, userId: string): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH forgotten AS (UPDATE devices SET remembered_until = NULL
        WHERE tenant_id = $1 AND user_id = $2 AND remembered_until IS NOT NULL RETURNING id)
       SELECT id FROM forgotten`,
      [tenantId, userId],
    );
    return rows.length;
  }

  private parseCookie(tenantId: string, userId: string, value: string | undefined) {
    if (typeof value !== 'string') return null;
    const [deviceId, expiryText, mac, extra] = value.split('.');
    if (extra !== undefined || !isDeviceId(deviceId) || !/^[0-9]{1,12}$/.test(expiryText ?? '') || !mac) {
      return null;
    }
    const payload = `${deviceId}.${expiryText}`;
    const given = Buffer.from(mac);
    const valid = this.keyRing.deriveKeys(REMEMBER_PURPOSE).some((key) => {
      const expected = Buffer.from(this.mac(key, tenantId, userId, payload));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    return valid ? { deviceId, expiry: Number(expiryText) } : null;
  }

  private mac(key: Buffer, tenantId: string, userId: string, payload: string): string {
    return createHmac('sha256', key).update(`${tenantId}\0${userId}\0${payload}`).digest('base64url');
  }

  /** Written under the primary key… */
  private fingerprint(deviceId: string): string {
    return fingerprintWith(this.keyRing.deriveKey(FINGERPRINT_PURPOSE), deviceId);
  }

  /** …and found under any ring key, so a key rotation does not forget every device. */
  private fingerprints(deviceId: string): string[] {
    return this.keyRing.deriveKeys(FINGERPRINT_PURPOSE).map((key) => fingerprintWith(key, deviceId));
  }
}

const isDeviceId = (value: string | undefined): value is string =>
  typeof value === 'string' && DEVICE_ID_PATTERN.test(value);

const fingerprintWith = (key: Buffer, deviceId: string) =>
  createHmac('sha256', key).update(deviceId).digest('base64url');
