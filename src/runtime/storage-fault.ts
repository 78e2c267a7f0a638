/** SQLite's own errors (better-sqlite3 gives them a `code` such as SQLITE_FULL or SQLITE_BUSY). */
export function isStorageFault(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** What a client may be told about a failed write: SQLite's short reason, never another error's text. */
export function storageReason(error: unknown): string {
  return isStorageFault(error) ? `${error.message} (${error.code})` : 'an unexpected error; details are in the server log';
}
