#!/usr/bin/env node
// Records in package-lock.json the optional per-platform packages that `npm install` left out
// because the registry it ran against does not carry that version (node-llama-cpp publishes one
// prebuilt binary package per platform; a partial mirror may hold only the Linux ones). npm drops
// an optional dependency whose manifest it cannot fetch, and `npm ci` then refuses the lockfile as
// out of sync with package.json. Each entry written here carries the package's `os`/`cpu`/`libc`
// (read from the newest version the registry has) so that `npm ci` skips it on other platforms
// without fetching it, and installs it, from a registry that has it, on the platform it is for.
// It has no `integrity` since its tarball could not be read here; npm checks none for it then.
//
// Run after `npm install` whenever node-llama-cpp changes: node scripts/lock-platform-binaries.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

function view(spec) {
  try {
    return JSON.parse(execFileSync('npm', ['view', spec, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined;
  }
}

// Whether `name` required from the package at `where` finds a locked package (Node's lookup upwards).
function resolves(where, name) {
  for (let dir = where; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
  }
}

const added = [];
for (const [where, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    // Placed where npm would hoist it: at the top, or beside its parent if the top is taken.
    const top = `node_modules/${name}`;
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (resolves(where, name)) continue;
    const key = lock.packages[top] ? nested : top;
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${name}@${version}: only exact versions can be recorded this way`);
    if (view(`${name}@${version}`)) throw new Error(`${name}@${version} is on the registry: run npm install instead`);
    const known = view(name);
    const manifest = Array.isArray(known) ? known.at(-1) : known;
    if (!manifest?.os && !manifest?.cpu) throw new Error(`${name}: no platform-restricted version on the registry to read os/cpu from`);
    lock.packages[key] = {
      version,
      ...(manifest.cpu && { cpu: manifest.cpu }),
      ...(manifest.libc && { libc: manifest.libc }),
      ...(manifest.license && { license: manifest.license }),
      optional: true,
      ...(manifest.os && { os: manifest.os }),
      ...(manifest.engines && { engines: manifest.engines }),
    };
    added.push(`${name}@${version} (${[manifest.os, manifest.cpu].flat().filter(Boolean).join(' ')})`);
  }
}

const [root, ...rest] = Object.keys(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort((a, b) => a.localeCompare(b, 'en'))].map((key) => [key, lock.packages[key]]));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `recorded ${added.length}: ${added.join(', ')}` : 'nothing missing');
