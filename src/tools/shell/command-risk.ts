import { maxRisk, type ActionType, type RiskLevel } from '../risk.js';
import { FIND_DENIED, READ_ONLY_COMMANDS } from './read-only-commands.js';

export interface Assessment {
  riskLevel: RiskLevel;
  actionType: ActionType;
  reason: string;
  /** On the read-only allowlist with allowed arguments. */
  safe: boolean;
}

type Risk = Omit<Assessment, 'safe'>;

const risk = (riskLevel: RiskLevel, actionType: ActionType, reason: string): Risk => ({ riskLevel, actionType, reason });

const set = (words: string) => new Set(words.trim().split(/\s+/));

const FILE_READERS = set('grep egrep fgrep rg sort uniq cut tr diff cmp comm md5sum sha1sum sha256sum sha512sum readlink realpath basename dirname tree jq less more column nl od xxd hexdump strings tac rev fold paste join zcat');
const SYSTEM_READERS = set('journalctl dmesg lsmod lspci lsusb vmstat iostat ss netstat last w who groups arch getconf locale top hostnamectl timedatectl');
const FILE_WRITERS = set('mv cp ln touch mkdir tee truncate install rmdir unlink patch tar unzip gzip gunzip');
const DISK_WRITERS = set('dd shred wipefs fdisk sfdisk parted mkswap');
const NETWORK_LOOKUPS = set('ping dig nslookup host traceroute tracepath mtr whois');
const NETWORK = set('curl wget ssh scp sftp nc ncat netcat socat telnet ftp mosh');
const PROCESS_CONTROL = set('kill pkill killall skill renice');
const PRIVILEGED = set('su doas pkexec runuser reboot shutdown poweroff halt init telinit mount umount useradd userdel usermod groupadd groupdel passwd chpasswd visudo crontab iptables ip6tables nft ufw sysctl modprobe insmod rmmod chroot swapon swapoff setenforce');
const RUNS_CODE = set('bash sh zsh dash ksh fish eval exec source . xargs nohup timeout nice time watch stdbuf setsid perl ruby php awk gawk python python3 node deno bun make');
const SYSTEM_PACKAGE_MANAGERS = set('snap flatpak dnf yum zypper pacman apk port');

const APT_INSTALL = set('install reinstall remove purge upgrade full-upgrade dist-upgrade autoremove autopurge build-dep');
const NPM_INSTALL = set('install i ci add remove rm uninstall un update up upgrade link dedupe prune');
const NPM_QUERY = set('ls list view info outdated audit why explain');
const GIT_NETWORK = set('push pull fetch clone ls-remote submodule');
const GIT_QUERY = set('rev-parse ls-files grep blame describe shortlog reflog remote tag stash');
const SERVICE_QUERY = set('status is-active is-enabled is-failed list-units list-unit-files list-timers show cat');
const SERVICE_START = set('start restart reload try-restart reload-or-restart enable daemon-reload');

/** Whether any argument is one of `long`, or a short bundle (`-rf`) containing a letter of `short`. */
function hasFlag(args: string[], short: string, long: string[] = []): boolean {
  return args.some((a) => long.includes(a) || (/^-[^-]/.test(a) && [...a.slice(1)].some((c) => short.includes(c))));
}

const firstOperand = (args: string[]) => args.find((a) => !a.startsWith('-'));

export const INTERPRETERS = set('bash sh zsh dash ksh fish python python3 perl ruby node php');

/** Shows argv as a shell word list, quoting only words that need it. */
export function showArgv(argv: string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./~^{}-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** Risk of one simple command given as argv (after any `VAR=value` words). */
export function assessArgv(argv: string[]): Assessment {
  const path = argv[0] ?? '';
  const args = argv.slice(1);
  const name = path.slice(path.lastIndexOf('/') + 1);
  const special = assessSpecial(name, args);
  if (special) return { ...special, safe: false };
  const readOnly = Object.hasOwn(READ_ONLY_COMMANDS, name) ? READ_ONLY_COMMANDS[name] : undefined;
  if (readOnly) {
    const { riskLevel, actionType, description } = readOnly;
    const problem = readOnly.check(args);
    if (problem && RUNS_CODE.has(name)) return { ...assessByName(name), safe: false };
    if (problem) return { riskLevel: maxRisk(riskLevel, 'medium'), actionType, reason: `\`${name}\`: ${problem}`, safe: false };
    if (path !== name) return { riskLevel, actionType, reason: `\`${path}\` is run by path; only bare command names are on the read-only allowlist`, safe: false };
    return { riskLevel, actionType, reason: `\`${showArgv(argv)}\` is a read-only ${description}`, safe: true };
  }
  return { ...assessByName(name), safe: false };
}

/** Commands whose risk depends on their arguments; undefined leaves it to the read-only allowlist. */
function assessSpecial(name: string, args: string[]): Risk | undefined {
  const sub = firstOperand(args);
  switch (name) {
    case 'rm':
      return hasFlag(args, 'rRf', ['--recursive', '--force'])
        ? risk('high', 'file_write', '`rm -r`/`rm -f` deletes files and folders without asking')
        : risk('medium', 'file_write', '`rm` deletes files');
    case 'chmod':
    case 'chown':
    case 'chgrp':
      return hasFlag(args, 'R', ['--recursive'])
        ? risk('high', 'file_write', `\`${name} -R\` changes permissions on a whole tree`)
        : risk('medium', 'file_write', `\`${name}\` changes file permissions`);
    case 'sed':
      return args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place')) ? risk('medium', 'file_write', '`sed -i` edits files in place') : undefined;
    case 'find': {
      const denied = args.find((a) => FIND_DENIED.test(a));
      if (!denied) return undefined;
      if (denied === '-delete') return risk('high', 'file_write', '`find -delete` deletes files');
      if (denied.startsWith('-f')) return risk('medium', 'file_write', `\`find ${denied}\` writes a file`);
      const inner = args.slice(args.indexOf(denied) + 1);
      const end = inner.findIndex((a) => a === ';' || a === '+');
      const execd = assessArgv(end < 0 ? inner : inner.slice(0, end));
      return execd.riskLevel === 'high' ? execd : risk('medium', execd.actionType, `\`find ${denied}\` runs \`${inner[0] ?? ''}\` on each file`);
    }
    case 'apt':
    case 'apt-get':
    case 'aptitude':
      if (sub === 'update') return risk('medium', 'package_install', `\`${name} update\` refreshes the package lists`);
      if (sub && APT_INSTALL.has(sub)) return risk('high', 'package_install', `\`${name} ${sub}\` changes installed packages`);
      if (name === 'apt' && sub && ['list', 'show', 'search', 'policy'].includes(sub)) return undefined;
      return risk('low', 'package_check', `\`${name} ${sub ?? ''}\` reads package information`);
    case 'apt-cache':
      return sub && ['policy', 'show', 'search'].includes(sub) ? undefined : risk('low', 'package_check', '`apt-cache` reads package information');
    case 'dpkg':
      if (['-l', '--list', '-s', '--status', '-L', '--listfiles'].includes(args[0] ?? '')) return undefined;
      return hasFlag(args, 'irP', ['--install', '--remove', '--purge', '--unpack', '--configure'])
        ? risk('high', 'package_install', '`dpkg` changes installed packages')
        : risk('medium', 'package_install', '`dpkg` manages packages');
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun':
      if (!sub) return undefined;
      if (NPM_INSTALL.has(sub)) {
        return hasFlag(args, 'g', ['--global'])
          ? risk('high', 'package_install', `\`${name} ${sub} -g\` changes globally installed packages`)
          : risk('medium', 'package_install', `\`${name} ${sub}\` installs or removes packages and may run their install scripts`);
      }
      if (NPM_QUERY.has(sub)) return risk('low', 'package_check', `\`${name} ${sub}\` reads package information`);
      if (sub === 'publish') return risk('high', 'network', `\`${name} publish\` uploads a package`);
      return risk('medium', 'unknown', `\`${name} ${sub}\` runs project scripts`);
    case 'npx':
      return risk('medium', 'unknown', '`npx` may download and run a package');
    case 'pip':
    case 'pip3':
    case 'pipx':
    case 'uv':
      if (sub && ['list', 'show', 'freeze', 'check'].includes(sub)) return risk('low', 'package_check', `\`${name} ${sub}\` reads package information`);
      return risk('medium', 'package_install', `\`${name} ${sub ?? ''}\` manages Python packages`);
    case 'python':
    case 'python3':
      if (args[0] === '-m' && (args[1] === 'pip' || args[1] === 'pip3')) return assessSpecial('pip', args.slice(2));
      return undefined;
    case 'cargo':
    case 'gem':
    case 'go':
    case 'brew':
      return sub === 'install' || sub === 'uninstall' ? risk('medium', 'package_install', `\`${name} ${sub}\` installs or removes packages`) : undefined;
    case 'git':
      return assessGit(args);
    case 'systemctl':
    case 'service': {
      const action = name === 'service' ? args[1] : sub;
      if (action === undefined || SERVICE_QUERY.has(action)) return risk('low', 'service_control', `\`${name}\` reads service status`);
      if (SERVICE_START.has(action)) return risk('medium', 'service_control', `\`${name} ${action}\` changes a running service`);
      return risk('high', 'service_control', `\`${name} ${action}\` can stop services or the system`);
    }
    case 'env':
    case 'printenv':
      return args.length === 0 || name === 'printenv'
        ? risk('medium', 'system_info', `\`${name}\` prints environment variables, which can hold secrets`)
        : risk('medium', 'unknown', '`env` runs another command');
    case 'rsync':
      return args.some((a) => /^[^/]*:/.test(a)) ? risk('medium', 'network', '`rsync` copies files over the network') : risk('medium', 'file_write', '`rsync` copies files');
    default:
      return undefined;
  }
}

function assessGit(args: string[]): Risk | undefined {
  let i = 0;
  for (; args[i]?.startsWith('-'); i++) {
    if (args[i] === '--no-pager' || args[i] === '--version') continue;
    return risk('medium', 'unknown', `\`git ${args[i]}\` can change settings that run programs`);
  }
  const sub = args[i];
  if (!sub) return undefined;
  const rest = args.slice(i + 1);
  if (sub === 'branch' && hasFlag(rest, 'dDmMcCfu', ['--delete', '--move', '--copy', '--force', '--set-upstream-to', '--unset-upstream'])) {
    return risk('medium', 'file_write', '`git branch` with these options changes branches');
  }
  if (['status', 'log', 'diff', 'show', 'branch'].includes(sub)) return undefined;
  if (GIT_NETWORK.has(sub)) {
    return sub === 'push' && hasFlag(rest, 'fd', ['--force', '--force-with-lease', '--mirror', '--delete'])
      ? risk('high', 'network', '`git push --force` can overwrite history on the remote')
      : risk('medium', 'network', `\`git ${sub}\` talks to a remote repository`);
  }
  if ((sub === 'reset' && rest.includes('--hard')) || sub === 'clean' || sub.startsWith('filter-')) {
    return risk('high', 'file_write', `\`git ${sub}\` can throw away work`);
  }
  if (GIT_QUERY.has(sub)) return risk('low', 'file_read', `\`git ${sub}\` is not on the read-only allowlist`);
  return risk('medium', 'file_write', `\`git ${sub}\` changes the repository`);
}

function assessByName(name: string): Risk {
  if (FILE_READERS.has(name)) return risk('low', 'file_read', `\`${name}\` reads files but is not on the read-only allowlist`);
  if (SYSTEM_READERS.has(name)) return risk('low', 'system_info', `\`${name}\` reads system information but is not on the read-only allowlist`);
  if (FILE_WRITERS.has(name)) return risk('medium', 'file_write', `\`${name}\` changes files`);
  if (DISK_WRITERS.has(name) || name.startsWith('mkfs')) return risk('high', 'file_write', `\`${name}\` can destroy data on a disk`);
  if (NETWORK_LOOKUPS.has(name)) return risk('low', 'network', `\`${name}\` sends network queries`);
  if (NETWORK.has(name)) return risk('medium', 'network', `\`${name}\` uses the network`);
  if (PROCESS_CONTROL.has(name)) return risk('medium', 'process_control', `\`${name}\` signals or stops processes`);
  if (PRIVILEGED.has(name)) return risk('high', 'privileged', `\`${name}\` changes system-wide settings or needs root`);
  if (SYSTEM_PACKAGE_MANAGERS.has(name)) return risk('high', 'package_install', `\`${name}\` manages system packages`);
  if (RUNS_CODE.has(name)) return risk('medium', 'unknown', `\`${name}\` can run any code`);
  return risk('medium', 'unknown', `\`${name}\` is not on the read-only allowlist`);
}
