import { isWithin } from '../tools/workspace-path.js';
import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

/** What an "always allow" rule covers: one normalised command, or every path under a folder. */
export type RuleTarget = { kind: 'command'; pattern: string } | { kind: 'path'; pattern: string };

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

  /** The rule of this workspace and tool that covers the target, if any. */
  match(workspace: string, tool: string, target: RuleTarget): Rule | undefined {
    const candidates = this.db.prepare('SELECT * FROM rules WHERE workspace = ? AND tool = ? AND kind = ?').all(workspace, tool, target.kind) as Rule[];
    return candidates.find((rule) => (target.kind === 'command' ? rule.pattern === target.pattern : isWithin(rule.pattern, target.pattern)));
  }
}
