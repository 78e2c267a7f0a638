import { parseArgs } from 'node:util';
import { loadConfig, parsePort } from '../config.js';
import { loadConfigWithFile } from '../model/model-config-file.js';
import { UserError } from '../errors.js';
import { createApp } from '../http/app.js';
import { resolveApiToken } from '../http/security/api-token.js';
import { assertListenAllowed, isWildcardHost, urlHost } from '../http/security/allowed-hosts.js';
import { VERSION } from '../version.js';

const USAGE = `ducklm ${VERSION}: a local-first personal AI agent

Usage:
  ducklm serve [--host HOST] [--port PORT] [--allow-remote]
                 start the HTTP API (default 127.0.0.1:8765; a host other than loopback
                 needs --allow-remote)
  ducklm token   print the API token that every request needs (created on first use)
  ducklm --version

Environment: DUCK_MODEL_BASE_URL (your OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1),
DUCK_MODEL, DUCK_MODEL_<ROLE>, DUCK_MODEL_SERVER, DUCK_MODEL_PATH (a .gguf run in-process), DUCK_DB_PATH, DUCK_DATA_DIR, DUCK_HOST, DUCK_PORT,
DUCK_API_TOKEN (else a token kept in <data folder>/api-token), DUCK_ENABLE_REFLECTION=1.`;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { host: { type: 'string' }, port: { type: 'string' }, 'allow-remote': { type: 'boolean' } }, strict: true });
  const config = loadConfigWithFile();
  if (values.host) config.host = values.host;
  if (values.port) config.port = parsePort(values.port);
  config.allowRemote = values['allow-remote'] ?? false;
  assertListenAllowed(config.host, config.allowRemote);
  // Resolved here (not only in createApp) so that the sign-in link below can show it.
  config.apiToken = resolveApiToken(config);
  const app = await createApp({ config });
  const shutdown = async (signal: string) => {
    process.stderr.write(`ducklm: ${signal}, shutting down\n`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.server.listen({ host: config.host, port: config.port });
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const model = config.model.modelPath ? `embedded ${config.model.modelPath}` : (config.model.baseUrl ?? 'none configured (set DUCK_MODEL_BASE_URL or DUCK_MODEL_PATH)');
  // The first line is what scripts and tests wait for: keep it exactly so.
  process.stdout.write(`ducklm listening on http://${urlHost(config.host)}:${port}\n`);
  // Like Jupyter: a link that signs a browser in. A wildcard address is no name to browse to.
  const browseHost = isWildcardHost(config.host) ? '127.0.0.1' : urlHost(config.host);
  process.stdout.write(`open http://${browseHost}:${port}/?token=${encodeURIComponent(config.apiToken)}\n`);
  process.stdout.write(`model server: ${model}\ndatabase: ${config.dbPath}\n`);
}

/** Prints the API token, creating the token file on first use, for `curl -H "Authorization: Bearer $(ducklm token)"`. */
function token(args: string[]): void {
  parseArgs({ args, options: {}, strict: true });
  process.stdout.write(`${resolveApiToken(loadConfig())}\n`);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'token':
      return token(rest);
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof UserError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) ? error.message : `ducklm failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
