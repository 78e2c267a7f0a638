import { parseArgs } from 'node:util';
import { loadConfig, parsePort } from '../config.js';
import { UserError } from '../errors.js';
import { createApp } from '../http/app.js';
import { VERSION } from '../version.js';

const USAGE = `ducklm ${VERSION}: a local-first personal AI agent

Usage:
  ducklm serve [--host HOST] [--port PORT]   start the HTTP API (default 127.0.0.1:8765)
  ducklm --version

Environment: DUCK_MODEL_BASE_URL (your OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1),
DUCK_MODEL, DUCK_MODEL_<ROLE>, DUCK_DB_PATH, DUCK_HOST, DUCK_PORT, DUCK_ENABLE_REFLECTION=1.`;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { host: { type: 'string' }, port: { type: 'string' } }, strict: true });
  const config = loadConfig();
  if (values.host) config.host = values.host;
  if (values.port) config.port = parsePort(values.port);
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
  const model = config.model.baseUrl ?? 'none configured (set DUCK_MODEL_BASE_URL)';
  process.stdout.write(`ducklm listening on http://${config.host}:${port}\nmodel server: ${model}\ndatabase: ${config.dbPath}\n`);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
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
