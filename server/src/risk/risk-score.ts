/** What the risk engine observed about one login (issue 6 §3); stored in the login's audit event. */
export interface RiskSignals {
  /** The browser's device id is not one the user signed in from before. */
  readonly newDevice: boolean;
  /** The client's /24 (IPv4) or /48 (IPv6) is not among the user's recent successful logins. */
  readonly newNetwork: boolean;
  /** Failed attempts on the account since its last successful login (within a day). */
  readonly recentFailures: number;
  /** Distinct accounts tried from the client IP within the last hour. */
  readonly accountsFromIp: number;
}

export interface RiskAssessment {
  /** 0–100. */
  readonly score: number;
  readonly threshold: number;
  /** `step_up` when the score is above the tenant's `mfa.riskThreshold`. */
  readonly decision: 'allow' | 'step_up';
  readonly signals: RiskSignals;
}

/** Weights (points out of 100). Documented in README "Tenant settings" next to `mfa.riskThreshold`. */
export const RISK_WEIGHTS = {
  newDevice: 25,
  newNetwork: 25,
  /** Per recent failure, up to `maxFailurePoints`. */
  perFailure: 10,
  maxFailurePoints: 40,
  /** From this many distinct accounts per IP and hour: credential stuffing. */
  manyAccounts: 5,
  manyAccountsPoints: 40,
} as const;

/** The weighted score of the signals and the decision against the tenant's threshold. */
export function scoreRisk(signals: RiskSignals, threshold: number): RiskAssessment {
  const w = RISK_WEIGHTS;
  const points =
    (signals.newDevice ? w.newDevice : 0) +
    (signals.newNetwork ? w.newNetwork : 0) +
    Math.min(signals.recentFailures * w.perFailure, w.maxFailurePoints) +
    (signals.accountsFromIp >= w.manyAccounts ? w.manyAccountsPoints : 0);
  const score = Math.min(100, points);
  return { score, threshold, decision: score > threshold ? 'step_up' : 'allow', signals };
}
