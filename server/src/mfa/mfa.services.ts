import type { DataSource } from 'typeorm';
import type { AuditLog } from '../audit/audit.service.js';
import { DevicesService } from '../devices/devices.service.js';
import type { Metrics } from '../http/metrics.js';
import { PasskeysService } from '../passkeys/passkeys.service.js';
import { RiskService } from '../risk/risk.service.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Logger } from '../shared/logger.js';
import { FactorAttempts } from './factor-attempts.js';
import type { FactorAddedNotifier } from './factors.js';
import { FactorsService } from './factors.service.js';
import { MfaPolicyService } from './mfa-policy.service.js';
import { RecoveryCodesService } from './recovery-codes.service.js';
import { TotpService } from './totp.service.js';

/** Everything issue 6 adds to sign-in, as the hosted pages and the API use it. */
export interface MfaServices {
  devices: DevicesService;
  risk: RiskService;
  totp: TotpService;
  recoveryCodes: RecoveryCodesService;
  passkeys: PasskeysService;
  factors: FactorsService;
  policy: MfaPolicyService;
}

export interface MfaServiceDeps {
  dataSource: DataSource;
  keyRing: KeyRing;
  audit: AuditLog;
  logger: Logger;
  metrics: Metrics;
  publicUrl: string;
  notifyFactorAdded?: FactorAddedNotifier;
}

/** Wires the MFA, passkey, device and risk services (called once by the composition root). */
export function createMfaServices(deps: MfaServiceDeps): MfaServices {
  const { dataSource, keyRing, audit, logger, metrics, publicUrl, notifyFactorAdded } = deps;
  const attempts = new FactorAttempts({
    dataSource,
    audit,
    logger,
    metric: (factor, outcome) => metrics.factorVerifications.inc({ factor, outcome }),
  });
  const devices = new DevicesService(keyRing);
  const factors = new FactorsService({ dataSource, audit, devices });
  return {
    devices,
    risk: new RiskService(devices),
    totp: new TotpService({ dataSource, keyRing, audit, attempts, notifyFactorAdded }),
    recoveryCodes: new RecoveryCodesService({ dataSource, keyRing, audit, attempts }),
    passkeys: new PasskeysService({ dataSource, audit, attempts, logger, publicUrl, notifyFactorAdded }),
    factors,
    policy: new MfaPolicyService({ dataSource, factors, devices }),
  };
}
