import type { EntityManager } from 'typeorm';
import type { Portico } from '../../src/app/portico.js';

/** Makes a row of tenant `tenantId` for a mutation that acts on something other than a user. */
export type Fixture = (
  portico: Portico,
  manager: EntityManager,
  tenantId: string,
  i: number,
) => Promise<string>;

/** By mutation name: the id that the audit-trail test passes to it (a fresh user otherwise). */
export const AUDITED_FIXTURES: Record<string, Fixture> = {
  revokeApiKey: async (portico, manager, tenantId, i) =>
    (await portico.apiKeys.create(manager, tenantId, { name: `audited-key-${i}`, scopes: [] })).apiKey.id,
};
