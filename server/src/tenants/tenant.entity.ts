import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TenantSettingsInput } from './tenant-settings.js';

export const SYSTEM_TENANT = 'system';
export const DEFAULT_TENANT = 'default';

@Entity('tenants')
export class Tenant {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') slug!: string;
  @Column('text') name!: string;
  @Column('text') status!: 'active' | 'disabled';
  /** Only what was set explicitly; read through `resolveTenantSettings` for defaults. */
  @Column('jsonb') settings!: TenantSettingsInput;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
