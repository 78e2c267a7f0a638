/**
 * Typed views of the answers api.ts leaves loose (`unknown`), for the panels. The shapes are the
 * server's own types, imported as types only.
 */
import { api, type CommandAudit, type StoredEvent } from '../api.js';
import type { MemoryLineage } from '../../../src/memory/lineage.js';
import type { Rule } from '../../../src/store/rules-repo.js';

export type { MemoryLineage, Rule };

/** One `command_audit` row; fields added later may be missing from old rows. */
export type AuditEntry = Omit<StoredEvent, 'payload'> & { payload: Partial<Omit<CommandAudit, 'type'>> };

export const memoryLineage = (id: string) => api.memoryHistory(id) as Promise<MemoryLineage>;
export const alwaysAllowRules = () => api.rules() as Promise<Rule[]>;
export const commandAudit = (limit?: number) => api.audit(limit) as Promise<AuditEntry[]>;

/** The export downloads through a plain link: the session cookie authenticates it. */
export function memoryExportUrl(workspace?: string): string {
  return workspace ? `/v1/memory/export?${new URLSearchParams({ workspace })}` : '/v1/memory/export';
}
