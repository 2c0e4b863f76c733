import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const POLICY_KINDS = ['terms', 'privacy', 'marketing', 'custom'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const CONSENT_DECISIONS = ['granted', 'withdrawn'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/** Where a decision was taken: the hosted sign-up or login pages, the account pages, or the API. */
export const CONSENT_SOURCES = ['signup', 'login', 'account', 'api', 'admin', 'import'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * One version of a tenant's policy (terms, privacy, a marketing opt-in…). Versions are never edited:
 * a change publishes a new row with `version + 1`, and the highest version of a key is the current one.
 */
@Entity('consent_policies')
export class ConsentPolicy {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') key!: string;
  @Column('integer') version!: number;
  @Column('text') kind!: PolicyKind;
  @Column('boolean') required!: boolean;
  /** Title per locale (`{ "en": "Terms of service", "de": "Nutzungsbedingungen" }`). */
  @Column('jsonb') title!: Record<string, string>;
  @Column('text', { nullable: true }) url!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/**
 * A receipt: one user's decision on one policy version. Receipts outlive the user (no foreign key to
 * users); erasure nulls their ip and user agent (ARCHITECTURE.md "Domain model").
 */
@Entity('consent_records')
export class ConsentRecord {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('uuid', { name: 'policy_id' }) policyId!: string;
  @Column('text') decision!: ConsentDecision;
  @Column('text') source!: string;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('text', { name: 'user_agent', nullable: true }) userAgent!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
