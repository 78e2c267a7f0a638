export const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const ACTION_TYPES = [
  'package_check',
  'package_install',
  'system_info',
  'file_read',
  'file_write',
  'network',
  'process_control',
  'service_control',
  'privileged',
  'unknown',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_LEVELS.indexOf(a) >= RISK_LEVELS.indexOf(b) ? a : b;
}
