import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Credential } from '../credentials/credential.entity.js';
import { PasskeysErrors } from './passkeys.errors.js';
import type { PasskeyData } from './passkeys.service.js';

/** Stored passkeys, user handles and the small conversions around the WebAuthn JSON. */

const USER_HANDLE_BYTES = 32;

/** simplewebauthn base64url-encodes the bytes it is given: so the options carry the stored value. */
export const challengeBytes = (challenge: string) => new Uint8Array(Buffer.from(challenge, 'base64url'));

/** The challenge the client signed (from clientDataJSON), to find the stored one. */
export function challengeOf(response: { response: { clientDataJSON: string } }): string {
  try {
    const clientData = JSON.parse(
      Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'),
    );
    if (typeof clientData?.challenge === 'string') return clientData.challenge;
  } catch {
    // falls through
  }
  throw PasskeysErrors.invalidResponse();
}

export function descriptorOf(credential: Credential) {
  const data = credential.data as unknown as PasskeyData;
  return { id: credential.webauthnCredentialId!, transports: data.transports };
}

export function passkeysOf(manager: EntityManager, tenantId: string, userId: string): Promise<Credential[]> {
  return manager.find(Credential, {
    where: { tenantId, userId, type: 'webauthn' },
    order: { createdAt: 'ASC' },
  });
}

/** The user's WebAuthn user handle: 32 random bytes, made once, never derived from the email. */
export async function userHandleOf(
  manager: EntityManager,
  tenantId: string,
  userId: string,
): Promise<string> {
  await manager.query(
    `INSERT INTO webauthn_user_handles (tenant_id, user_id, handle) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, user_id) DO NOTHING`,
    [tenantId, userId, randomBytes(USER_HANDLE_BYTES).toString('base64url')],
  );
  const rows: { handle: string }[] = await manager.query(
    'SELECT handle FROM webauthn_user_handles WHERE tenant_id = $1 AND user_id = $2',
    [tenantId, userId],
  );
  return rows[0]!.handle;
}
