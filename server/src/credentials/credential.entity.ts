import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type CredentialType = 'password' | 'totp' | 'webauthn' | 'recovery';

@Entity('credentials')
export class Credential {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text') type!: CredentialType;
  @Column('text', { nullable: true }) name!: string | null;
  /** Password: a PHC-tagged hash. TOTP: ciphertext from the key ring. Recovery code: its HMAC. */
  @Column('text', { nullable: true }) secret!: string | null;
  @Column('jsonb') data!: Record<string, unknown>;
  /** Passkeys: the credential id (base64url), unique per tenant. */
  @Column('text', { name: 'webauthn_credential_id', nullable: true }) webauthnCredentialId!: string | null;
  /** Passkeys: the last signature counter seen (bigint: read back as a string by pg). */
  @Column('bigint', { name: 'sign_count', nullable: true }) signCount!: string | null;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
