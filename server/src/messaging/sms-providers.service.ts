import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { KeyRing } from '../secrets/key-ring.js';
import { SmsProvider, type SmsProviderConfig, type SmsProviderKind } from './messaging.entity.js';
import { MessagingErrors } from './messaging.errors.js';
import type { SmsProviderTarget } from './sms-adapters.js';

export interface SmsProviderDeclaration {
  name: string;
  kind: SmsProviderKind;
  url: string;
  from: string;
  accountSid?: string | null;
  /** Written only; never returned. */
  secret: string;
  priority?: number;
  enabled?: boolean;
}

export type SmsProviderPatch = Partial<SmsProviderDeclaration>;

/** The encryption context binds a provider's secret to its row. */
export const smsProviderSecretContext = (id: string) => `sms_provider_secret:${id}`;

/** A tenant's SMS providers: tried in ascending `priority` (then age) until one accepts the message. */
export class SmsProvidersService {
  constructor(private readonly keyRing: KeyRing) {}

  list(manager: EntityManager, tenantId: string): Promise<SmsProvider[]> {
    return manager.find(SmsProvider, {
      where: { tenantId },
      order: { priority: 'ASC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The enabled providers in failover order, with their secrets decrypted, for the SMS worker. */
  async failoverOrder(manager: EntityManager, tenantId: string): Promise<SmsProviderTarget[]> {
    const providers = await this.list(manager, tenantId);
    return providers
      .filter((p) => p.enabled)
      .map((p) => ({
        name: p.name,
        kind: p.kind,
        config: p.config,
        secret: this.keyRing.decryptString(p.secretEncrypted, smsProviderSecretContext(p.id)),
      }));
  }

  async create(
    manager: EntityManager,
    tenantId: string,
    declared: SmsProviderDeclaration,
  ): Promise<SmsProvider> {
    const id = randomUUID();
    const provider = manager.create(SmsProvider, {
      id,
      tenantId,
      name: declared.name,
      kind: declared.kind,
      priority: declared.priority ?? 100,
      enabled: declared.enabled ?? true,
      config: configOf(declared),
      secretEncrypted: this.encrypt(id, declared.secret),
    });
    await this.assertNameFree(manager, tenantId, declared.name);
    return manager.save(provider);
  }

  async update(manager: EntityManager, provider: SmsProvider, patch: SmsProviderPatch): Promise<SmsProvider> {
    if (patch.name !== undefined && patch.name !== provider.name) {
      await this.assertNameFree(manager, provider.tenantId, patch.name);
      provider.name = patch.name;
    }
    if (patch.kind !== undefined) provider.kind = patch.kind;
    if (patch.priority !== undefined) provider.priority = patch.priority;
    if (patch.enabled !== undefined) provider.enabled = patch.enabled;
    provider.config = configOf({
      kind: provider.kind,
      url: patch.url ?? provider.config.url,
      from: patch.from ?? provider.config.from,
      accountSid: patch.accountSid === undefined ? provider.config.accountSid : patch.accountSid,
    });
    if (patch.secret !== undefined) provider.secretEncrypted = this.encrypt(provider.id, patch.secret);
    return manager.save(provider);
  }

  private encrypt(id: string, secret: string): string {
    if (secret.length < 8)
      throw MessagingErrors.invalidProvider('secret', 'The secret has at least 8 characters.');
    return this.keyRing.encrypt(secret, smsProviderSecretContext(id));
  }

  private async assertNameFree(manager: EntityManager, tenantId: string, name: string): Promise<void> {
    if (await manager.existsBy(SmsProvider, { tenantId, name })) throw MessagingErrors.providerNameTaken();
  }
}

function configOf(
  declared: Pick<SmsProviderDeclaration, 'kind' | 'url' | 'from' | 'accountSid'>,
): SmsProviderConfig {
  let url: URL;
  try {
    url = new URL(declared.url);
  } catch {
    throw MessagingErrors.invalidProvider('url', 'The URL is not a valid http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw MessagingErrors.invalidProvider('url', 'The URL is not a valid http(s) URL.');
  }
  if (url.username || url.password) {
    throw MessagingErrors.invalidProvider('url', 'Credentials go in the secret, not in the URL.');
  }
  if (!/^(\+[1-9][0-9]{6,14}|[A-Za-z0-9 ]{1,11})$/.test(declared.from)) {
    throw MessagingErrors.invalidProvider(
      'from',
      'The sender is a number in E.164 or an alphanumeric id (≤ 11).',
    );
  }
  if (declared.kind === 'twilio') {
    if (!declared.accountSid || !/^[A-Za-z0-9_-]{1,64}$/.test(declared.accountSid)) {
      throw MessagingErrors.invalidProvider(
        'accountSid',
        'A Twilio-compatible provider needs its account SID.',
      );
    }
    return { url: declared.url, from: declared.from, accountSid: declared.accountSid };
  }
  return { url: declared.url, from: declared.from };
}
