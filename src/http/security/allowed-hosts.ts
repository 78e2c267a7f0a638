import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { UserError } from '../../errors.js';

/** The names a local client reaches us by; the Host header must be one of them with our port. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name === '::1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice('::ffff:'.length) : name;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export function isWildcardHost(host: string): boolean {
  return ['0.0.0.0', '::', '[::]'].includes(host);
}

/** A host as it appears in a URL or a Host header: lower case, IPv6 in brackets. */
export function urlHost(host: string): string {
  const name = host.toLowerCase();
  return isIP(name) === 6 ? `[${name}]` : name;
}

/** The CLI's guard: anything but loopback needs the explicit `--allow-remote`. */
export function assertListenAllowed(host: string, allowRemote: boolean): void {
  if (allowRemote || isLoopbackHost(host)) return;
  throw new UserError(
    `Refusing to listen on ${host}: that would expose ducklm (which reads files and runs commands) beyond this machine. ` +
      'Use the default 127.0.0.1, or pass --allow-remote if you really mean it (every request still needs the API token).',
  );
}

export interface HostPolicy {
  /** Is this Host header one of ours (the DNS-rebinding guard)? */
  allowsHost(header: string | undefined): boolean;
  /** Is this Origin header our own page? */
  allowsOrigin(header: string): boolean;
}

/**
 * Exact matching, never suffix or prefix matching: `127.0.0.1.nip.io` and `localhost:OTHERPORT`
 * are a rebinding attacker's names, not ours. `port` is read per request because with port 0 it
 * is only known after listen.
 */
export function createHostPolicy(options: { host: string; allowRemote: boolean; port: () => number }): HostPolicy {
  const fixed = new Set(LOOPBACK_NAMES);
  // A loopback address of the user's choosing (127.0.0.2, localhost) is as safe as ours.
  if (isLoopbackHost(options.host) || options.allowRemote) fixed.add(urlHost(options.host));
  const wildcard = options.allowRemote && isWildcardHost(options.host);

  const names = (): Set<string> => {
    if (!wildcard) return fixed;
    // Listening everywhere: remote clients name us by one of our addresses or our host name.
    // Read each time, as addresses come and go (DHCP, VPN).
    const all = new Set(fixed);
    all.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) all.add(urlHost(address.address));
    }
    return all;
  };

  const allowed = (hostAndPort: string): boolean => {
    const port = options.port();
    const value = hostAndPort.toLowerCase();
    const suffix = `:${port}`;
    // Browsers leave the default port out of Host and Origin.
    if (port === 80 && names().has(value)) return true;
    return value.endsWith(suffix) && names().has(value.slice(0, -suffix.length));
  };

  return {
    allowsHost: (header) => header !== undefined && allowed(header),
    allowsOrigin: (header) => header.toLowerCase().startsWith('http://') && allowed(header.slice('http://'.length)),
  };
}
