import { parseArgs } from 'node:util';
import { parsePort } from '../../config.js';
import { createApp } from '../../http/app.js';
import { resolveApiToken } from '../../http/security/api-token.js';
import { assertListenAllowed, isWildcardHost, urlHost } from '../../http/security/allowed-hosts.js';
import { loadConfigWithFile } from '../../model/model-config-file.js';

export const SERVE_USAGE = 'ducklm serve [--host HOST] [--port PORT] [--allow-remote]';

export const SERVE_OPTIONS = { host: { type: 'string' }, port: { type: 'string' }, 'allow-remote': { type: 'boolean' } } as const;

/** `ducklm serve`: the HTTP API, until SIGINT or SIGTERM. */
export async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: SERVE_OPTIONS, strict: true });
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
