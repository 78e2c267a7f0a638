import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config.js';
import { createApp } from '../../http/app.js';
import { resolveApiToken } from '../../http/security/api-token.js';
import { isWildcardHost, urlHost } from '../../http/security/allowed-hosts.js';
import { loadConfigWithFile } from '../../model/model-config-file.js';
import { CliError } from '../cli-error.js';
import { ApiClient, ApiError, CLIENT_HEADERS, describeNetworkCode, networkCode } from './api-client.js';

export interface ConnectOptions {
  /** `--url`; else DUCK_URL; else the configured host and port. */
  url?: string;
  /** `--token`; else DUCK_API_TOKEN; else the token file. */
  token?: string;
  env: NodeJS.ProcessEnv;
  /** Told, in one line, when a server is started in this process. */
  notice(line: string): void;
}

export interface Connection {
  api: ApiClient;
  url: string;
  /** True when no server ran and one was started in this process. */
  inProcess: boolean;
  /** Where other clients find the server: `url`, or for an in-process one the address `ducklm serve` would take. */
  sharedUrl: string;
  /** Stops the in-process server (waiting for its background work); nothing for a remote one. */
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 3000;

/**
 * Finds the server to talk to. When none answers at the default address, and none was named,
 * starts one in this process with the same configuration and data folder, so that `ducklm ask`
 * works without a `ducklm serve` running. A named address that does not answer is an error: the
 * person meant that server, not a new one.
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const config = loadConfig(options.env);
  const token = options.token || resolveApiToken(config);
  const named = options.url || options.env.DUCK_URL;
  const url = named ? parseServerUrl(named) : `http://${isWildcardHost(config.host) ? '127.0.0.1' : urlHost(config.host)}:${config.port}`;

  const probe = await probeServer(url);
  if (probe === 'up') return { api: new ApiClient(url, token), url, inProcess: false, sharedUrl: url, close: async () => {} };
  if (named || probe !== 'ECONNREFUSED') throw new CliError(`Cannot reach ducklm at ${url} (${describeNetworkCode(probe)}). ${named ? 'Check --url (or DUCK_URL), or start the server with `ducklm serve`.' : 'Start it with `ducklm serve`.'}`);

  const serverConfig = loadConfigWithFile(options.env);
  // Loopback and a free port: this server is for this process, not for the network.
  serverConfig.host = '127.0.0.1';
  serverConfig.port = 0;
  serverConfig.apiToken = token;
  const app = await createApp({ config: serverConfig, log: (message) => process.stderr.write(`ducklm (in-process server): ${message}\n`) });
  await app.server.listen({ host: serverConfig.host, port: 0 });
  const { port } = app.server.server.address() as AddressInfo;
  options.notice(`No ducklm server at ${url}; started one in this process until it exits.`);
  const local = `http://127.0.0.1:${port}`;
  return { api: new ApiClient(local, token), url: local, inProcess: true, sharedUrl: url, close: () => app.close() };
}

function parseServerUrl(value: string): string {
  if (!URL.canParse(value) || !/^https?:\/\//i.test(value)) throw new CliError(`Invalid server URL "${value}": use e.g. http://127.0.0.1:8765`);
  return value.replace(/\/+$/, '');
}

/** 'up', or why not: a network error code ('ECONNREFUSED', ...). */
async function probeServer(url: string): Promise<'up' | string> {
  let response: Response;
  try {
    // Without the token health answers only {status, version}, without asking the model server: a cheap "is it ducklm?".
    response = await fetch(`${url}/v1/health`, { headers: CLIENT_HEADERS, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    return networkCode(error) ?? String(error);
  }
  const body = (await response.json().catch(() => null)) as { status?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (response.ok && body?.status === 'ok') return 'up';
  if (body?.error && typeof body.error.message === 'string') throw new ApiError(body.error.message, response.status, String(body.error.code));
  throw new CliError(`Something other than ducklm answers at ${url} (HTTP ${response.status}).`);
}
