import type { ActionType, RiskLevel } from '../risk.js';
import type { CommandSpec } from './command-runner.js';

export interface CommandClassification {
  /** The command exactly as asked for. */
  command: string;
  /** True only for a plain read-only command from the allowlist: it may run without asking. */
  knownSafe: boolean;
  riskLevel: RiskLevel;
  actionType: ActionType;
  /** The command starts with sudo: after approval it needs the user's password. */
  sudo: boolean;
  /** How to run it (for sudo: the command after `sudo` and its options). */
  spec: CommandSpec;
  /** Why it is or is not known-safe, in words a user can read. */
  reason: string;
}

export declare function classifyCommand(command: string): CommandClassification;
