import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ApplicationType = 'oidc' | 'saml';

/** OIDC client metadata or SAML service-provider settings, as declared by the admin. */
export interface ApplicationConfig {
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  corsOrigins?: string[];
  grantTypes?: string[];
  acsUrl?: string;
  [key: string]: unknown;
}

@Entity('applications')
export class Application {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') name!: string;
  @Column('text') type!: ApplicationType;
  @Column('text', { name: 'client_id', nullable: true }) clientId!: string | null;
  /** Encrypted with the key ring, bound to `client_secret:<id>`: oidc-provider needs the plaintext. */
  @Column('text', { name: 'client_secret_encrypted', nullable: true }) clientSecretEncrypted!: string | null;
  @Column('text', { name: 'entity_id', nullable: true }) entityId!: string | null;
  @Column('boolean', { name: 'first_party' }) firstParty!: boolean;
  @Column('jsonb') config!: ApplicationConfig;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
