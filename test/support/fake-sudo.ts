import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

/**
 * A folder holding a stand-in `sudo` for tests that run real commands: like `sudo -S -k -p ''`,
 * it reads one line of standard input as the password; the right one runs the command (as the
 * same user), a wrong one prints sudo's "Sorry, try again." and fails. Put the folder first on
 * the PATH of the process under test: `PATH: \`${dir}:${process.env.PATH}\``.
 */
export function fakeSudoDir(password: string): string {
  const dir = join(tempDir(), 'bin');
  mkdirSync(dir);
  const script = `#!/usr/bin/env bash
while [ $# -gt 0 ]; do
  case "$1" in
    -S|-k) shift ;;
    -p) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
IFS= read -r typed || true
if [ "$typed" != ${JSON.stringify(password)} ]; then
  echo "Sorry, try again." >&2
  echo "sudo: 1 incorrect password attempt" >&2
  exit 1
fi
exec "$@"
`;
  writeFileSync(join(dir, 'sudo'), script);
  chmodSync(join(dir, 'sudo'), 0o755);
  return dir;
}
