import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

/**
 * What an "always allow" rule covers: one normalised command, or one path target (for file_read the
 * folder whose direct files it reads, for list_dir the folder it lists). A rule matches a request
 * only when the request's own target is the same, so it covers exactly what the approval card
 * said, never a subtree.
 */
export type RuleTarget =
  | { kind: 'command'; pattern: string }
  | { kind: 'path'; pattern: string }
  /** file_write / file_edit anywhere inside one workspace (pattern: the workspace's real path). */
  | { kind: 'edits'; pattern: string }
  /** One MCP tool with exactly these arguments (pattern: their canonical JSON). */
  | { kind: 'call'; pattern: string };

export const RULE_KINDS = ['command', 'path', 'edits', 'call'] as const satisfies ReadonlyArray<RuleTarget['kind']>;

export interface Rule {
  id: string;
  workspace: string;
  tool: string;
  kind: RuleTarget['kind'];
  pattern: string;
  source_approval_id: string | null;
  created_at: string;
}

export class RulesRepo {
  constructor(private readonly db: Db) {}

  /** Adds a rule, or returns the identical one that already exists. */
  add(workspace: string, tool: string, target: RuleTarget, sourceApprovalId: string): Rule {
    this.db
      .prepare(
        `INSERT INTO rules (id, workspace, tool, kind, pattern, source_approval_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace, tool, kind, pattern) DO NOTHING`,
      )
      .run(newId('rule'), workspace, tool, target.kind, target.pattern, sourceApprovalId, nowIso());
    return this.db.prepare('SELECT * FROM rules WHERE workspace = ? AND tool = ? AND kind = ? AND pattern = ?').get(workspace, tool, target.kind, target.pattern) as Rule;
  }

  list(): Rule[] {
    return this.db.prepare('SELECT * FROM rules ORDER BY created_at, rowid').all() as Rule[];
  }

  get(id: string): Rule | undefined {
    return this.db.prepare('SELECT * FROM rules WHERE id = ?').get(id) as Rule | undefined;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM rules WHERE id = ?').run(id).changes === 1;
  }

  /** The rule of this workspace and tool made for exactly this target, if any. */
  match(workspace: string, tool: string, target: RuleTarget): Rule | undefined {
    return this.db.prepare('SELECT * FROM rules WHERE workspace = ? AND tool = ? AND kind = ? AND pattern = ?').get(workspace, tool, target.kind, target.pattern) as Rule | undefined;
  }
}
