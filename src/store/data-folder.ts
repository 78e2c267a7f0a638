import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** The side files SQLite keeps next to a database; they hold its data too. */
export const DATABASE_SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * ducklm's data folder holds the API token and every workspace's memories: it is created 0700, and
 * an existing one that others can enter is closed at startup. Only a folder this user owns, that is
 * not a shared sticky folder like /tmp, is changed.
 */
export function secureDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const stats = statSync(dataDir);
  const ownedByUs = process.getuid?.() === stats.uid;
  if (ownedByUs && (stats.mode & 0o1000) === 0 && (stats.mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
}

/** The database file and its side files: 0600 each, fixed at every start (SQLite gives new side files the database's mode). */
export function restrictFileModes(paths: readonly string[]): void {
  if (process.platform === 'win32') return;
  for (const path of paths) {
    try {
      chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
