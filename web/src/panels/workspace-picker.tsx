export interface WorkspacePickerProps {
  workspace: string;
  onChange(path: string): void;
}

export function WorkspacePicker({ workspace }: WorkspacePickerProps) {
  return <span class="workspace" data-testid="workspace">{workspace}</span>;
}
