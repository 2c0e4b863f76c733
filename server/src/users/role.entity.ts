import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type RoleScope = 'tenant' | 'organization';

/** Tenant roles (`admin`, `viewer`, …) are held by users; organization roles through memberships. */
@Entity('roles')
export class Role {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') scope!: RoleScope;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { array: true }) permissions!: string[];
}

@Entity('user_roles')
export class UserRole {
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'user_id' }) userId!: string;
  @PrimaryColumn('uuid', { name: 'role_id' }) roleId!: string;
}
