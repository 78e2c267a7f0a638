/**
 * One applied file write or edit as `GET /v1/file-changes` lists it: never the bytes it replaced.
 * No imports: the web page and the terminal client read the same shape.
 */
export interface FileChange {
  change_id: string;
  task_id: string;
  call_id: string;
  tool: string;
  /** The file's real absolute path. */
  path: string;
  /** The change made the file (an undo removes it). */
  created: boolean;
  diff: string;
  created_at: string;
  undone_at: string | null;
}
