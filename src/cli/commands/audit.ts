import { parseArgs } from 'node:util';
import type { TaskEvent } from '../../events/task-event.js';
import { CONNECTION_OPTIONS, positiveIntArg, printJson, withConnection } from '../options.js';
import { formatTable, localTime } from '../table.js';
import { styleFor } from '../terminal.js';

export const AUDIT_USAGE = 'ducklm audit [--limit N] [--json] [--url URL] [--token TOKEN]';

export const AUDIT_OPTIONS = { ...CONNECTION_OPTIONS, limit: { type: 'string', short: 'n' }, json: { type: 'boolean' } } as const;

type CommandAudit = Omit<Extract<TaskEvent, { type: 'command_audit' }>, 'type'>;

interface AuditRow {
  created_at: string;
  payload: CommandAudit;
}

/** The audit trail of commands, run or refused, newest first. */
export async function audit(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: AUDIT_OPTIONS, strict: true });
  const limit = positiveIntArg('limit', values.limit, 20);
  return withConnection(values, async ({ api }) => {
    const rows = await api.get<AuditRow[]>('/v1/audit/commands', { limit });
    if (values.json) {
      printJson(rows);
      return 0;
    }
    if (!rows.length) {
      console.log('No commands yet.');
      return 0;
    }
    const style = styleFor(process.stdout);
    const table = rows.map(({ created_at, payload: p }) => [
      localTime(created_at),
      p.outcome === 'ran' && p.exit_code !== 0 && p.exit_code !== null ? `ran, exit ${p.exit_code}` : p.outcome.replaceAll('_', ' '),
      approvedBy(p),
      p.risk_level,
      p.action_type.replaceAll('_', ' '),
      p.command,
    ]);
    console.log(formatTable(['WHEN', 'OUTCOME', 'APPROVED BY', 'RISK', 'ACTION', 'COMMAND'], table, style, process.stdout.isTTY ? process.stdout.columns : undefined));
    return 0;
  });
}

function approvedBy(p: CommandAudit): string {
  if (p.approved_by === 'none') return p.approved ? 'yes' : '-';
  return p.approved_by;
}
