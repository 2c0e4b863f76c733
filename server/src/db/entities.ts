import { ApiKey } from '../apikeys/api-key.entity.js';
import { Application } from '../applications/application.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { ConsentPolicy, ConsentRecord } from '../consent/consent.entity.js';
import { Credential } from '../credentials/credential.entity.js';
import { OutboxMessage } from '../jobs/outbox.entity.js';
import { Delivery, MessageTemplate, SmsProvider } from '../messaging/messaging.entity.js';
import { SigningKey } from '../oidc/signing-key.entity.js';
import { Membership, MembershipRole, Organization, OrgDomain } from '../organizations/organization.entity.js';
import { ProfileField } from '../profiles/profile-field.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { OneTimeToken } from '../tokens/one-time-token.entity.js';
import { Role, UserRole } from '../users/role.entity.js';
import { User } from '../users/user.entity.js';

/** Tables that code reads and writes through TypeORM; the schema itself lives in migrations/. */
export const ENTITIES = [
  Tenant,
  User,
  Role,
  UserRole,
  Credential,
  Organization,
  OrgDomain,
  Membership,
  MembershipRole,
  Application,
  ApiKey,
  AuditEvent,
  OutboxMessage,
  SigningKey,
  OneTimeToken,
  ConsentPolicy,
  ConsentRecord,
  ProfileField,
  MessageTemplate,
  Delivery,
  SmsProvider,
];
