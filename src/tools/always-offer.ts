/**
 * What an approval's "always allow" would cover, in the words the page's button and the
 * terminal's prompt both use; null when no rule is offered: sudo is never covered by a rule, and
 * the server says so in the reason when a request gets none (a write outside the workspace,
 * ducklm's own data). No imports: the web page bundles it too.
 */
export interface AlwaysOffer {
  /** The button's words ("Always allow edits in this workspace"). */
  label: string;
  /** The terminal prompt's choice, its first letter the key: "always", "always allow edits in this workspace". */
  choice: string;
  /** The terminal's "type a to …" hint. */
  hint: string;
  /** What it covers, said in full. */
  detail: string;
}

/** The tools whose rule covers every file write and edit in the workspace (rule kind 'edits'). */
export const EDIT_TOOLS: ReadonlySet<string> = new Set(['file_write', 'file_edit']);

/** The sentence a reason carries when the server offers no rule for this request. */
export const NO_RULE_OFFERED = '"Always allow" is not offered';

export function alwaysOffer(approval: { tool: string; needs_password: boolean; reason: string; always_offered?: boolean }): AlwaysOffer | null {
  if (approval.needs_password || approval.always_offered === false) return null;
  // Approvals asked before the server said it as a field: its reason said so in words.
  if (approval.always_offered === undefined && approval.reason.includes(NO_RULE_OFFERED)) return null;
  if (EDIT_TOOLS.has(approval.tool)) {
    return {
      label: 'Always allow edits in this workspace',
      choice: 'always allow edits in this workspace',
      hint: 'always allow edits in this workspace',
      detail: 'From now on ducklm writes and edits files anywhere in this workspace without asking (each change can still be undone); revoke it under Audit, Rules.',
    };
  }
  return { label: 'Always allow', choice: 'always', hint: 'always allow it here', detail: 'Allow this exact request in this workspace from now on' };
}
