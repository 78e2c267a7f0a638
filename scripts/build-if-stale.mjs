#!/usr/bin/env node
// Builds what `npm start` runs, but only the parts whose sources changed since they were last
// built: the server (tsc: src/ into dist/) and the web page (vite: web/ into dist/web). Each part
// leaves a stamp in dist/ when it builds successfully, dated when that build began; a part is stale
// when its stamp is missing or any of its inputs (files, and directories, whose dates change when a
// file is added, removed or renamed) is newer. Prints one line when it builds, nothing when it
// does not. `--always` builds both parts regardless (that is `npm run build`). `--then FILE ARGS…`
// then runs FILE with ARGS in this same process (`npm start` runs bin/ducklm.js serve so, which
// spares it a second Node start-up).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const bin = (pkg, path) => join(require.resolve(`${pkg}/package.json`).slice(0, -'package.json'.length), path);

// What any part depends on: the declared and the installed dependencies.
const shared = ['package.json', 'node_modules/.package-lock.json'];
const parts = [
  {
    name: 'server',
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', ...shared],
    output: 'dist/cli/main.js',
    stamp: 'dist/.server-built',
    command: () => [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.build.json'],
  },
  {
    name: 'web page',
    inputs: ['web', ...shared],
    output: 'dist/web/index.html',
    stamp: 'dist/.web-built',
    command: () => [bin('vite', 'bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
  },
];

const mtime = (path) => {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return undefined;
  }
};

// The first input newer than `since`, or undefined.
function newer(path, since) {
  let stat;
  try {
    stat = statSync(join(root, path));
  } catch {
    return undefined;
  }
  if (stat.mtimeMs > since) return path;
  if (!stat.isDirectory()) return undefined;
  for (const entry of readdirSync(join(root, path))) {
    const found = newer(join(path, entry), since);
    if (found) return found;
  }
  return undefined;
}

function why(part) {
  const built = mtime(part.stamp);
  if (built === undefined || mtime(part.output) === undefined) return 'not built yet';
  for (const input of part.inputs) {
    const found = newer(input, built);
    if (found) return `${relative(root, join(root, found))} changed`;
  }
  return undefined;
}

const args = process.argv.slice(2);
const then = args.indexOf('--then');
const always = args.slice(0, then < 0 ? undefined : then).includes('--always');
const stale = parts.map((part) => ({ part, reason: always ? 'asked to' : why(part) })).filter((p) => p.reason);

if (stale.length > 0 && !always) {
  console.log(`Building ${stale.map(({ part, reason }) => `the ${part.name} (${reason})`).join(' and ')}`);
}
if (stale.length > 0) mkdirSync(join(root, 'dist'), { recursive: true });
for (const { part } of stale) {
  const began = new Date();
  const result = spawnSync(process.execPath, part.command(), { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  closeSync(openSync(join(root, part.stamp), 'w'));
  utimesSync(join(root, part.stamp), began, began);
}

if (then >= 0) {
  const file = join(root, args[then + 1] ?? '');
  process.argv = [process.argv[0], file, ...args.slice(then + 2)];
  await import(pathToFileURL(file).href);
}
