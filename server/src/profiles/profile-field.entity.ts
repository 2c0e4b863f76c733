import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PROFILE_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export type ProfileFieldType = (typeof PROFILE_FIELD_TYPES)[number];

/** When a field becomes required: at sign-up, after N logins, or before signing in to an application. */
export const PROFILE_REQUIREMENTS = ['signup', 'after_logins', 'before_application'] as const;
export type ProfileRequirement = (typeof PROFILE_REQUIREMENTS)[number];

export interface EnumOption {
  value: string;
  /** Label per locale; the value is shown when none fits. */
  labels?: Record<string, string>;
}

/**
 * The rules a value must follow, by field type: string `minLength`/`maxLength`/`pattern` (a
 * JavaScript regular expression the whole value must match), number `min`/`max`/`integer`, date
 * `min`/`max` (YYYY-MM-DD, inclusive), enum `options`.
 */
export interface ProfileFieldValidation {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  min?: number | string;
  max?: number | string;
  integer?: boolean;
  options?: EnumOption[];
}

/** A tenant-defined profile attribute (issue 5 "Progressive profiling"); values live in users.profile[key]. */
@Entity('profile_fields')
export class ProfileField {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') key!: string;
  @Column('text') type!: ProfileFieldType;
  /** Label per locale (`{ "en": "Company", "de": "Firma" }`). */
  @Column('jsonb') labels!: Record<string, string>;
  @Column('jsonb') validation!: ProfileFieldValidation;
  /** null: optional, never asked for on its own. */
  @Column('text', { name: 'required_at', nullable: true }) requiredAt!: ProfileRequirement | null;
  @Column('integer', { name: 'required_after_logins', nullable: true }) requiredAfterLogins!: number | null;
  /** Only asked for on sign-ins to this application (required for `before_application`). */
  @Column('uuid', { name: 'application_id', nullable: true }) applicationId!: string | null;
  /** Order on forms, ascending. */
  @Column('integer') position!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
