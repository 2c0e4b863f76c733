import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The JWS algorithms a tenant signs with; every generation holds one key of each. ES256 is the default. */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * `next`: published in the JWKS, not yet signing. `active`: signs. `retired`: published until
 * `remove_after`, so tokens it signed still verify (SECURITY.md ★39).
 */
export type SigningKeyStatus = 'next' | 'active' | 'retired';

/** The public members of a signing key, as published in the tenant's JWKS. */
export interface PublicSigningJwk {
  kty: 'EC' | 'RSA';
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** One signing key of a tenant (table `signing_keys`). */
@Entity('signing_keys')
export class SigningKey {
  /** Chosen before insert: the private JWK is encrypted under the context `signing_key:<id>`. */
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  /** RFC 7638 thumbprint of the public key. */
  @Column('text') kid!: string;
  @Column('text') alg!: SigningAlgorithm;
  @Column('text') status!: SigningKeyStatus;
  /** KeyRing ciphertext of the private JWK; never leaves the server in any other form. */
  @Column('text', { name: 'private_jwk_encrypted' }) privateJwkEncrypted!: string;
  @Column('jsonb', { name: 'public_jwk' }) publicJwk!: PublicSigningJwk;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'activated_at', nullable: true }) activatedAt!: Date | null;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt!: Date | null;
  /** When a retired key may be deleted: retirement + the longest token lifetime. */
  @Column('timestamptz', { name: 'remove_after', nullable: true }) removeAfter!: Date | null;
}
