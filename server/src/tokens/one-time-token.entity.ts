import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OneTimeTokenPurpose =
  | 'email_verification'
  | 'password_reset'
  | 'magic_link'
  | 'email_otp'
  | 'sms_otp'
  | 'phone_verification'
  | 'email_change'
  | 'invitation';

/** A link token or a short code mailed or texted to a user; only its keyed hash is stored. */
@Entity('one_time_tokens')
export class OneTimeToken {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('text') purpose!: OneTimeTokenPurpose;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('integer') attempts!: number;
  @Column('jsonb') data!: Record<string, unknown>;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'consumed_at', nullable: true }) consumedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
