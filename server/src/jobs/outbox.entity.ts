import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OutboxStatus = 'pending' | 'enqueued' | 'done' | 'dead' | 'dropped';

/** The durable record behind every job: written in the caller's transaction, relayed to the queue. */
@Entity('outbox')
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id', nullable: true }) tenantId!: string | null;
  @Column('text') queue!: string;
  @Column('text') name!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('text') status!: OutboxStatus;
  @Column('integer') attempts!: number;
  @Column('integer', { name: 'max_attempts' }) maxAttempts!: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'available_at' }) availableAt!: Date;
  /** Past this the job is pointless (an expired one-time code): it is dropped, not sent. */
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'enqueued_at', nullable: true }) enqueuedAt!: Date | null;
  @Column('timestamptz', { name: 'processed_at', nullable: true }) processedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
