import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { KeyRing } from '../secrets/key-ring.js';
import { Application, type ApplicationConfig, type ApplicationType } from './application.entity.js';

export interface NewApplication {
  name: string;
  type: ApplicationType;
  clientId?: string;
  clientSecret?: string;
  entityId?: string;
  firstParty?: boolean;
  config: ApplicationConfig;
}

/** The encryption context binds a client secret's ciphertext to its application row. */
const secretContext = (applicationId: string) => `client_secret:${applicationId}`;

export class ApplicationsService {
  constructor(private readonly keyRing: KeyRing) {}

  async create(manager: EntityManager, tenantId: string, input: NewApplication): Promise<Application> {
    const id = randomUUID();
    return manager.save(
      manager.create(Application, {
        id,
        tenantId,
        name: input.name,
        type: input.type,
        clientId: input.clientId ?? null,
        clientSecretEncrypted:
          input.clientSecret === undefined ? null : this.encryptSecret(id, input.clientSecret),
        entityId: input.entityId ?? null,
        firstParty: input.firstParty ?? false,
        config: input.config,
      }),
    );
  }

  /** The plaintext client secret (oidc-provider compares it and derives HS256 keys from it). */
  clientSecretOf(application: Application): string | undefined {
    const encrypted = application.clientSecretEncrypted;
    return encrypted === null
      ? undefined
      : this.keyRing.decryptString(encrypted, secretContext(application.id));
  }

  encryptSecret(applicationId: string, secret: string): string {
    return this.keyRing.encrypt(secret, secretContext(applicationId));
  }
}
