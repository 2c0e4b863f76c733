import type { DataSource } from 'typeorm';
import type { AccountService } from '../account/account.service.js';
import type { ApiKeysService } from '../apikeys/apikeys.service.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { AuditLog } from '../audit/audit.service.js';
import type { ConsentService } from '../consent/consent.service.js';
import type { PasswordResetService } from '../credentials/password-reset.service.js';
import type { MessageTemplatesService } from '../messaging/message-templates.service.js';
import type { SmsProvidersService } from '../messaging/sms-providers.service.js';
import type { FactorsService } from '../mfa/factors.service.js';
import type { SigningKeysService } from '../oidc/signing-keys.service.js';
import type { ProfileFieldsService } from '../profiles/profile-fields.service.js';
import type { Logger } from '../shared/logger.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import type { UserSessionsService } from '../users/user-sessions.service.js';
import type { UsersService } from '../users/users.service.js';

/** What the GraphQL API is built from; the composition root (app/portico.ts) supplies it. */
export interface GraphqlDeps {
  publicUrl: string;
  /** NODE_ENV=production: introspection off, schema details hidden from errors. */
  production: boolean;
  dataSource: DataSource;
  tenants: TenantsService;
  users: UsersService;
  apiKeys: ApiKeysService;
  audit: AuditLog;
  userSessions: UserSessionsService;
  /** Self-service changes of the `me` mutations (the account pages' service). */
  account: AccountService;
  signingKeys: SigningKeysService;
  applications: ApplicationsService;
  passwordReset: PasswordResetService;
  consent: ConsentService;
  profileFields: ProfileFieldsService;
  /** Second factors of users (`me { factors }`, `resetUserFactors`). */
  factors: FactorsService;
  messageTemplates: MessageTemplatesService;
  smsProviders: SmsProvidersService;
  /** After a tenant's applications changed: every replica rebuilds its OIDC provider. */
  tenantsChanged: (slugs: string[]) => Promise<void>;
  logger: Logger;
}
