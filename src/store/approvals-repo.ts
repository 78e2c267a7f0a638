import type { ActionType, RiskLevel } from '../tools/risk.js';
import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export type ApprovalStatus = 'pending' | 'allowed' | 'denied' | 'used';

export interface Approval {
  approval_id: string;
  task_id: string;
  tool: string;
  args: Record<string, unknown>;
  reason: string;
  risk_level: RiskLevel;
  action_type: ActionType;
  needs_password: boolean;
  /** A file write or edit's unified diff, as the card showed it. */
  diff?: string;
  /** Whether "always allow" would make a rule (absent on approvals asked before it was recorded). */
  always_offered?: boolean;
  status: ApprovalStatus;
  created_at: string;
  decided_at: string | null;
}

interface ApprovalRow extends Omit<Approval, 'approval_id' | 'args' | 'needs_password' | 'diff' | 'always_offered'> {
  id: string;
  args: string;
  needs_password: number;
  diff: string | null;
  always_offered: number | null;
}

const toApproval = ({ id, args, needs_password, diff, always_offered, ...rest }: ApprovalRow): Approval => ({
  approval_id: id,
  ...rest,
  args: JSON.parse(args) as Record<string, unknown>,
  needs_password: needs_password === 1,
  ...(diff !== null ? { diff } : {}),
  ...(always_offered !== null ? { always_offered: always_offered === 1 } : {}),
});

export type NewApproval = Pick<Approval, 'task_id' | 'tool' | 'args' | 'reason' | 'risk_level' | 'action_type' | 'needs_password' | 'diff' | 'always_offered'>;

export class ApprovalsRepo {
  constructor(private readonly db: Db) {}

  create(approval: NewApproval): Approval {
    const id = newId('appr');
    this.db
      .prepare(
        `INSERT INTO approvals (id, task_id, tool, args, reason, risk_level, action_type, needs_password, diff, always_offered, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(id, approval.task_id, approval.tool, JSON.stringify(approval.args), approval.reason, approval.risk_level, approval.action_type, approval.needs_password ? 1 : 0, approval.diff ?? null, approval.always_offered === undefined ? null : approval.always_offered ? 1 : 0, nowIso());
    return this.get(id)!;
  }

  get(id: string): Approval | undefined {
    const row = this.db.prepare('SELECT * FROM approvals WHERE id = ?').get(id) as ApprovalRow | undefined;
    return row && toApproval(row);
  }

  pending(): Approval[] {
    return (this.db.prepare(`SELECT * FROM approvals WHERE status = 'pending' ORDER BY created_at`).all() as ApprovalRow[]).map(toApproval);
  }

  /** The approval a task asked for last: what a paused task waits on. */
  latestOf(taskId: string): Approval | undefined {
    const row = this.db.prepare('SELECT * FROM approvals WHERE task_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(taskId) as ApprovalRow | undefined;
    return row && toApproval(row);
  }

  /** Denies whatever a task still waits on; returns how many approvals that was. */
  denyPendingOf(taskId: string): number {
    return this.db.prepare(`UPDATE approvals SET status = 'denied', decided_at = ? WHERE task_id = ? AND status = 'pending'`).run(nowIso(), taskId).changes;
  }

  /** Moves an approval between states; false when it was not in `from` (decided already, used). */
  transition(id: string, from: ApprovalStatus, to: ApprovalStatus): boolean {
    return this.db.prepare('UPDATE approvals SET status = ?, decided_at = ? WHERE id = ? AND status = ?').run(to, nowIso(), id, from).changes === 1;
  }
}
