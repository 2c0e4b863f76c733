import { readFile } from 'node:fs/promises';
import type { DataSource, EntityManager } from 'typeorm';
import type { ZodError } from 'zod';
import { type AuditLog, SYSTEM_ACTOR } from '../audit/audit.service.js';
import type { Logger } from '../shared/logger.js';
import type { UsersService } from '../users/users.service.js';
import { formatPath, KickstartErrors } from './kickstart.errors.js';
import { type KickstartFile, kickstartSchema } from './kickstart.schema.js';
import { type ConvergeDeps, TenantConvergence } from './kickstart-converge.js';
import { KickstartReport } from './kickstart-report.js';

export interface KickstartDeps extends ConvergeDeps {
  dataSource: DataSource;
  users: UsersService;
  audit: AuditLog;
  logger: Logger;
}

/**
 * Applies kickstart files (ARCHITECTURE.md "Kickstart file"): YAML or JSON, validated strictly, applied
 * in one transaction (a failure changes nothing), converging (applying twice changes nothing).
 */
export class KickstartService {
  constructor(private readonly deps: KickstartDeps) {}

  async load(file: string): Promise<KickstartFile> {
    // Imported here: most processes start without a kickstart file and never parse YAML.
    const { default: YAML } = await import('yaml');
    let raw: unknown;
    try {
      raw = YAML.parse(await readFile(file, 'utf8'), { uniqueKeys: true });
    } catch (error) {
      throw KickstartErrors.unreadable(file, error);
    }
    const parsed = kickstartSchema.safeParse(raw ?? {});
    if (!parsed.success) throw KickstartErrors.invalid(file, describeIssues(parsed.error));
    return parsed.data;
  }

  async applyFile(file: string): Promise<KickstartReport> {
    return this.apply(await this.load(file), file);
  }

  async apply(declared: KickstartFile, file = 'kickstart'): Promise<KickstartReport> {
    const report = await this.deps.dataSource.transaction(async (manager) => {
      const report = new KickstartReport();
      await this.admins(manager, declared.admins ?? [], report);
      const convergence = new TenantConvergence(this.deps, manager, report, file);
      for (const [i, tenant] of (declared.tenants ?? []).entries()) {
        const before = report.changes;
        const applied = await convergence.tenant(tenant, `tenants[${i}]`);
        if (report.changes > before) {
          report.tenants.add(applied.slug);
          await this.deps.audit.record(manager, {
            tenantId: applied.id,
            actor: SYSTEM_ACTOR,
            action: 'kickstart.applied',
            data: { file, created: report.created, updated: report.updated },
          });
        }
      }
      return report;
    });
    this.deps.logger.info({ file, created: report.created, updated: report.updated }, 'kickstart applied');
    return report;
  }

  /** Instance admins are users of tenant `system` holding its `admin` role; passwords only on creation. */
  private async admins(
    manager: EntityManager,
    admins: { email: string; password: string }[],
    report: KickstartReport,
  ) {
    const system = await this.deps.tenants.systemTenant(manager);
    for (const admin of admins) {
      let user = await this.deps.users.findByEmail(manager, system.id, admin.email);
      if (!user) {
        user = await this.deps.users.create(manager, system, { ...admin, emailVerified: true });
        report.noteCreated('admins');
      }
      const roles = await this.deps.users.tenantRoleNames(manager, user.id);
      if (!roles.includes('admin')) {
        await this.deps.users.setTenantRoles(manager, user, [...roles, 'admin']);
        report.noteUpdated('admins');
      }
    }
  }
}

function describeIssues(error: ZodError): string[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`)
      : [`${formatPath(issue.path) || '(root)'}: ${issue.message}`],
  );
}
