import type { DataSource } from 'typeorm';
import { AccountService } from '../account/account.service.js';
import { ApiKeyHasher } from '../apikeys/api-key.js';
import { ApiKeysService } from '../apikeys/apikeys.service.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { AuditLog } from '../audit/audit.service.js';
import type { Config } from '../config/config.js';
import { ConsentService } from '../consent/consent.service.js';
import { CommonPasswordList } from '../credentials/common-passwords.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { IpThrottle } from '../credentials/ip-throttle.js';
import { LockoutService } from '../credentials/lockout.service.js';
import { NewPasswordPolicy } from '../credentials/new-password-policy.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { PasswordLoginService } from '../credentials/password-login.service.js';
import { PasswordResetService } from '../credentials/password-reset.service.js';
import { PasswordlessLoginService } from '../credentials/passwordless-login.service.js';
import { createDataSource } from '../db/data-source.js';
import { migrationsApplied, runMigrations, withStartupLock } from '../db/migrator.js';
import { Metrics } from '../http/metrics.js';
import { CsrfTokens } from '../interactions/hosted-page.js';
import { LoginPromptsService } from '../interactions/login-prompts.service.js';
import { providerPages } from '../interactions/provider-pages.js';
import { RegistrationService } from '../interactions/registration.service.js';
import { MAINTENANCE_QUEUE, maintenanceHandlers } from '../jobs/maintenance.jobs.js';
import { OutboxService } from '../jobs/outbox.service.js';
import { KickstartService } from '../kickstart/kickstart.service.js';
import { DeliveriesService } from '../messaging/deliveries.service.js';
import type { EmailTransport } from '../messaging/email-transport.js';
import { MessageTemplatesService } from '../messaging/message-templates.service.js';
import { createEmailTransport, messagingQueues } from '../messaging/messaging.jobs.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { enforceSmsLimits } from '../messaging/sms-limits.js';
import { SmsProvidersService } from '../messaging/sms-providers.service.js';
import { createMfaServices, type MfaServices } from '../mfa/mfa.services.js';
import { DatabaseOidcModelStore } from '../oidc/oidc-adapter.js';
import { ProviderCache } from '../oidc/provider-cache.js';
import { createTenantProvider } from '../oidc/provider-factory.js';
import { ProviderInvalidation } from '../oidc/provider-invalidation.js';
import { SigningKeysService } from '../oidc/signing-keys.service.js';
import { ProfileFieldsService } from '../profiles/profile-fields.service.js';
import type { KeyRing } from '../secrets/key-ring.js';
import { loadKeyRing } from '../secrets/secret-key-file.js';
import { SecretsService } from '../secrets/secrets.service.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { OutboundHttp } from '../shared/outbound-http.js';
import { closeRedis, createRequestPathRedis, type PorticoRedis } from '../shared/redis.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { ContactVerificationService } from '../users/contact-verification.service.js';
import { UserSessionsService } from '../users/user-sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { ensureFirstRunSetup, type FirstRunCredentials } from './first-run.js';
import { directRoutes, publicRouters } from './http-surfaces.js';
import { JobsRuntime, type QueueHandlers } from './jobs-runtime.js';

/**
 * The composition root (STYLE.md §3): builds every service once and hands each what it depends on.
 * Commands (serve, worker, CLI) construct one Portico, use what they need and close it.
 */
export class Portico {
  readonly dataSource: DataSource;
  readonly keyRing: KeyRing;
  readonly metrics = new Metrics();
  readonly audit: AuditLog;
  readonly tenants = new TenantsService();
  readonly passwordHasher = new PasswordHasher();
  readonly credentials: CredentialsService;
  readonly users: UsersService;
  readonly apiKeys: ApiKeysService;
  readonly applications: ApplicationsService;
  readonly kickstart: KickstartService;
  readonly secrets: SecretsService;
  readonly outbox: OutboxService;
  readonly messaging: MessagingService;
  readonly messageTemplates = new MessageTemplatesService();
  readonly deliveries: DeliveriesService;
  readonly smsProviders: SmsProvidersService;
  /** The one guarded client of outbound HTTP (SECURITY.md item 36). */
  readonly outboundHttp: OutboundHttp;
  private emailTransport: EmailTransport | undefined;
  readonly signingKeys: SigningKeysService;
  readonly oidcModels: DatabaseOidcModelStore;
  readonly providers: ProviderCache;
  readonly providerInvalidation: ProviderInvalidation;
  readonly csrf: CsrfTokens;
  readonly registration: RegistrationService;
  readonly userSessions: UserSessionsService;
  readonly lockouts = new LockoutService();
  readonly passwordPolicy = new NewPasswordPolicy(new CommonPasswordList());
  readonly tokens: OneTimeTokensService;
  readonly contactVerification: ContactVerificationService;
  readonly consent: ConsentService;
  readonly profileFields: ProfileFieldsService;
  readonly loginPrompts: LoginPromptsService;
  /** TOTP, recovery codes, passkeys, remembered devices, risk and factor lifecycle (issue 6). */
  readonly mfa: MfaServices;
  private passwordLoginService: PasswordLoginService | undefined;
  private accountService: AccountService | undefined;
  private ipThrottleInstance: IpThrottle | undefined;
  private passwordlessService: PasswordlessLoginService | undefined;
  private passwordResetService: PasswordResetService | undefined;
  private requestPathRedis: PorticoRedis | undefined;

  constructor(
    readonly config: Config,
    readonly logger: Logger,
  ) {
    this.keyRing = loadKeyRing(config);
    this.dataSource = createDataSource({ url: config.databaseUrl, dataDir: config.dataDir });
    this.audit = new AuditLog((action) => this.metrics.auditEvents.inc({ action }));
    this.credentials = new CredentialsService(this.passwordHasher);
    this.users = new UsersService(this.credentials);
    this.apiKeys = new ApiKeysService(new ApiKeyHasher(this.keyRing));
    this.applications = new ApplicationsService(this.keyRing);
    this.consent = new ConsentService(this.audit);
    this.profileFields = new ProfileFieldsService(this.audit);
    this.loginPrompts = new LoginPromptsService({
      dataSource: this.dataSource,
      consent: this.consent,
      profileFields: this.profileFields,
    });
    this.kickstart = new KickstartService({ ...this.services(), dataSource: this.dataSource, logger });
    this.secrets = new SecretsService(this.dataSource, this.keyRing);
    this.outbox = new OutboxService(this.dataSource, {
      dropped: (manager, jobs) => this.deliveries.recordDropped(manager, jobs),
    });
    this.deliveries = new DeliveriesService(this.dataSource, (channel, outcome) =>
      this.metrics.messages.inc({ channel, provider: 'none', outcome }),
    );
    this.smsProviders = new SmsProvidersService(this.keyRing);
    this.outboundHttp = new OutboundHttp(config.outboundAllowedHosts);
    this.messaging = new MessagingService({
      outbox: this.outbox,
      keyRing: this.keyRing,
      beforeSms: enforceSmsLimits,
      afterSend: (manager, message, outboxId) =>
        this.deliveries.record(
          {
            outboxId,
            tenantId: message.tenant.id,
            channel: message.channel,
            recipient: message.to,
            status: 'queued',
            attempt: 0,
          },
          manager,
        ),
    });
    this.signingKeys = new SigningKeysService(this.keyRing);
    this.oidcModels = new DatabaseOidcModelStore(this.dataSource);
    this.csrf = new CsrfTokens(this.keyRing);
    this.tokens = new OneTimeTokensService(this.keyRing);
    this.contactVerification = new ContactVerificationService({
      dataSource: this.dataSource,
      tokens: this.tokens,
      messaging: this.messaging,
      audit: this.audit,
      publicUrl: config.publicUrl,
    });
    this.registration = new RegistrationService({
      ...this.services(),
      dataSource: this.dataSource,
      hasher: this.passwordHasher,
      passwordPolicy: this.passwordPolicy,
      contactVerification: this.contactVerification,
      messaging: this.messaging,
      consent: this.consent,
      profileFields: this.profileFields,
      publicUrl: config.publicUrl,
    });
    this.providers = new ProviderCache({
      loadTenant: (slug) => this.tenants.findBySlug(this.dataSource.manager, slug),
      build: (tenant) => createTenantProvider(this.providerDeps(), tenant),
      logger,
    });
    const { dataSource, oidcModels, providers, audit } = this;
    this.userSessions = new UserSessionsService({ dataSource, oidcModels, providers, audit, logger });
    const { keyRing, metrics } = this;
    this.mfa = createMfaServices({
      dataSource,
      keyRing,
      audit,
      logger,
      metrics,
      publicUrl: config.publicUrl,
      // SECURITY.md item 6: credential changes notify the user, at their verified address.
      notifyFactorAdded: async (manager, tenant, user, factor) => {
        if (!user.email || !user.emailVerified) return;
        await this.messaging.send(manager, {
          tenant,
          channel: 'email',
          kind: factor === 'passkey' ? 'passkey_added_notice' : 'authenticator_added_notice',
          to: user.email,
          locale: resolveTenantSettings(tenant.settings).locales.default,
          userId: user.id,
          variables: {},
        });
      },
    });
    this.providerInvalidation = new ProviderInvalidation(
      (slug) => this.providers.invalidate(slug),
      config.redisUrl,
      logger,
    );
  }

  private providerDeps() {
    const { config, dataSource, keyRing, applications, signingKeys, oidcModels, logger, csrf } = this;
    return {
      publicUrl: config.publicUrl,
      outboundAllowedHosts: config.outboundAllowedHosts,
      dataSource,
      keyRing,
      applications,
      signingKeys,
      models: oidcModels,
      logger,
      pages: (tenant: Parameters<typeof providerPages>[0]) => providerPages(tenant, csrf),
    };
  }

  /**
   * The Redis client of request paths (rate limits, caches): no offline queue, short timeouts, so a
   * Redis outage degrades instead of hanging. Created on first use: one-shot CLI commands never need it.
   */
  requestRedis(): PorticoRedis | undefined {
    if (this.config.redisUrl && !this.requestPathRedis) {
      this.requestPathRedis = createRequestPathRedis(this.config.redisUrl, this.logger, {
        role: 'request-path',
      });
    }
    return this.requestPathRedis;
  }

  /** Password sign-in with its attack protection (per-account lockout, per-IP throttle). */
  get passwordLogin(): PasswordLoginService {
    this.passwordLoginService ??= new PasswordLoginService({
      dataSource: this.dataSource,
      hasher: this.passwordHasher,
      logger: this.logger,
      audit: this.audit,
      lockouts: this.lockouts,
      ipThrottle: this.ipThrottle,
    });
    return this.passwordLoginService;
  }

  /** Self-service on one's own account: the account pages and the GraphQL `me` mutations. */
  get account(): AccountService {
    const { dataSource, passwordPolicy, credentials, messaging, contactVerification, userSessions, audit } =
      this;
    this.accountService ??= new AccountService({
      dataSource,
      passwordLogin: this.passwordLogin,
      passwordPolicy,
      credentials,
      messaging,
      contactVerification,
      userSessions,
      audit,
    });
    return this.accountService;
  }

  /** Per-IP failure counters shared by every login path (Redis when configured, else in-process). */
  get ipThrottle(): IpThrottle {
    this.ipThrottleInstance ??= new IpThrottle({ logger: this.logger, redis: this.requestRedis() });
    return this.ipThrottleInstance;
  }

  /** Email/SMS codes and magic links as a first factor. */
  get passwordless(): PasswordlessLoginService {
    const { dataSource, users, tokens, messaging, lockouts, audit, logger } = this;
    this.passwordlessService ??= new PasswordlessLoginService({
      dataSource,
      users,
      tokens,
      messaging,
      lockouts,
      ipThrottle: this.ipThrottle,
      audit,
      logger,
      publicUrl: this.config.publicUrl,
    });
    return this.passwordlessService;
  }

  /** "Forgot password?" and the reset it leads to. */
  get passwordReset(): PasswordResetService {
    const { dataSource, users, tokens, messaging, lockouts, audit, logger, passwordPolicy } = this;
    this.passwordResetService ??= new PasswordResetService({
      dataSource,
      users,
      credentials: this.credentials,
      tokens,
      messaging,
      passwordPolicy,
      lockouts,
      userSessions: this.userSessions,
      audit,
      logger,
      publicUrl: this.config.publicUrl,
      forgetDevices: (manager, tenantId, userId) => this.mfa.devices.forgetAll(manager, tenantId, userId),
    });
    return this.passwordResetService;
  }

  /**
   * The domain routers of the public app, in order (app/http-surfaces.ts): the OIDC protocol endpoints
   * first, hosted interaction pages, account pages, each tenant's other OIDC endpoints, the GraphQL API.
   */
  httpRouters() {
    return publicRouters(this);
  }

  /** The routes served before Express: each built tenant's OIDC protocol endpoints (the hot path). */
  httpDirectRoutes() {
    return directRoutes(this);
  }

  /** After tenants' applications, keys or settings changed: every replica rebuilds their providers. */
  async tenantsChanged(slugs: Iterable<string>): Promise<void> {
    for (const slug of slugs) await this.providerInvalidation.invalidate(slug);
  }

  /** The queue, relay and Redis client of a process that serves or works (not of one-shot commands). */
  createJobsRuntime(): JobsRuntime {
    const { config, logger, dataSource, outbox, metrics } = this;
    return new JobsRuntime({ config, logger, dataSource, outbox, metrics, redis: this.requestRedis() });
  }

  /** Every queue's processors: each domain adds its queue here as it gains background work. */
  jobQueues(): QueueHandlers {
    const handlers = maintenanceHandlers(this.dataSource, this.oidcModels);
    return { [MAINTENANCE_QUEUE]: { handlers, concurrency: 1 }, ...this.messagingQueues() };
  }

  private messagingQueues(): QueueHandlers {
    const { config, logger, dataSource, metrics, messaging, deliveries, smsProviders } = this;
    this.emailTransport ??= createEmailTransport(config, logger);
    return messagingQueues({
      ...{ config, logger, dataSource, metrics, messaging, deliveries, smsProviders },
      templates: this.messageTemplates,
      http: this.outboundHttp,
      emailTransport: this.emailTransport,
    });
  }

  private services() {
    const { tenants, users, apiKeys, applications, audit, consent, profileFields } = this;
    return { tenants, users, apiKeys, applications, audit, consent, profileFields };
  }

  async connect(): Promise<void> {
    try {
      await this.dataSource.initialize();
    } catch (error) {
      throw new AppError(
        'database_unavailable',
        503,
        `Cannot connect to the database: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  /** `portico migrate`, and `serve` at start: pending migrations, under the start-up lock. */
  migrate(): Promise<string[]> {
    return withStartupLock(this.dataSource, () => runMigrations(this.dataSource, this.logger));
  }

  /**
   * What `serve` does before it listens, under one advisory lock so replicas starting together take
   * turns (ARCHITECTURE.md "Processes"): migrations (unless PORTICO_MIGRATE_ON_START=false), first-run
   * setup, and the kickstart file.
   */
  async prepare(): Promise<FirstRunCredentials> {
    return withStartupLock(this.dataSource, async () => {
      if (this.config.migrateOnStart || this.config.embedded)
        await runMigrations(this.dataSource, this.logger);
      await this.requireMigrations();
      const credentials = await ensureFirstRunSetup(
        { ...this.services(), dataSource: this.dataSource },
        this.config,
      );
      if (this.config.kickstartFile) await this.kickstart.applyFile(this.config.kickstartFile);
      return credentials;
    });
  }

  /** CLI commands other than `migrate` need a migrated database (embedded mode migrates itself). */
  async requireMigrations(): Promise<void> {
    if (this.config.embedded) await runMigrations(this.dataSource, this.logger);
    if (!(await migrationsApplied(this.dataSource))) {
      throw new AppError(
        'migrations_pending',
        503,
        'The database has pending migrations: run `portico migrate` first.',
      );
    }
  }

  async close(): Promise<void> {
    this.emailTransport?.close();
    await this.providerInvalidation.close();
    if (this.requestPathRedis) await closeRedis(this.requestPathRedis);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
