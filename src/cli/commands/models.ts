import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../../model/roles.js';
import { CliError, EXIT } from '../cli-error.js';
import type { ApiClient } from '../client/api-client.js';
import { inert } from '../inert.js';
import { isLocalModelCommand, localModelCommands, MODELS_PULL_USAGE } from './models-pull.js';
import { CONNECTION_OPTIONS, printJson, withConnection } from '../options.js';
import { formatTable } from '../table.js';
import { styleFor } from '../terminal.js';

export const MODELS_USAGE = `ducklm models [list] [--json]
                 the model servers found on this machine, what each offers, and the model
                 each role uses (and whether the environment fixes it)
  ducklm models use MODEL [--server URL] [--role ROLE]
                 answer with MODEL from the next message on (saved in ducklm.config.json);
                 --server when more than one server offers it; --role for one role only
                 (${ROLES.join(', ')})
  ${MODELS_PULL_USAGE}`;

interface Overview {
  status: { state: string; where: string | null; model: string | null; detail: string };
  servers: { base_url: string; configured_as?: string; label: string; reachable: boolean; loading: boolean; models: { id: string; kind?: string; loaded?: boolean }[] }[];
  selection: { how: string; base_url: string | null; model_path: string | null; models: Record<Role, { model: string; source: string }>; unchosen: Role[]; notes: string[]; locked: string[] };
}

const OPTIONS = { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, server: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** Finding and choosing the model from the terminal, as the page's Settings view does. */
export async function models(args: string[]): Promise<number> {
  if (isLocalModelCommand(args)) return localModelCommands(args);
  const [first, ...rest] = args;
  const sub = first === undefined || first.startsWith('-') ? 'list' : first;
  const { values, positionals } = parseArgs({ args: sub === first ? rest : args, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    process.stdout.write(`Usage: ${MODELS_USAGE}\n`);
    return EXIT.ok;
  }
  switch (sub) {
    case 'list':
    case 'ls':
      if (positionals.length) throw new CliError(`Unexpected "${inert(positionals[0]!)}". Usage: ${MODELS_USAGE}`);
      return withConnection(values, async ({ api }) => {
        const overview = await api.get<Overview>('/v1/models', { refresh: 1 });
        if (values.json) printJson(overview);
        else show(overview);
        return EXIT.ok;
      });
    case 'use': {
      const [model, ...extra] = positionals;
      if (!model || extra.length) throw new CliError(`Which model? Usage: ${MODELS_USAGE}`);
      const role = values.role === undefined ? undefined : roleArg(values.role);
      return withConnection(values, async ({ api }) => use(api, model, values.server, role));
    }
    default:
      throw new CliError(`Unknown "ducklm models ${inert(sub)}". Usage: ${MODELS_USAGE}`);
  }
}

async function use(api: ApiClient, model: string, server: string | undefined, role: Role | undefined): Promise<number> {
  const overview = await api.get<Overview>('/v1/models', { refresh: 1 });
  const offering = overview.servers.filter((s) => s.models.some((m) => m.id === model));
  let baseUrl = server;
  if (!baseUrl && offering.length === 1) baseUrl = offering[0]!.base_url;
  if (!baseUrl && offering.length > 1) throw new CliError(`${offering.length} servers offer "${inert(model)}": add --server ${offering.map((s) => inert(s.base_url)).join(' or --server ')}.`);
  if (!baseUrl && !overview.selection.base_url) throw new CliError(`No server found offers "${inert(model)}". \`ducklm models\` lists what they offer; --server URL names another.`);
  const body = { ...(baseUrl && baseUrl !== overview.selection.base_url ? { base_url: baseUrl } : {}), ...(role ? { roles: { [role]: model } } : { model }) };
  const saved = await api.put<Overview>('/v1/models/selection', body);
  const style = styleFor(process.stdout);
  const where = saved.selection.base_url ? ` on ${inert(saved.selection.base_url)}` : '';
  console.log(`Saved in ducklm.config.json: ${inert(model)}${role ? ` for ${role}` : ''}${where}. The next message uses it.`);
  const fixed = ROLES.filter((r) => (!role || r === role) && saved.selection.models[r].source === 'env' && saved.selection.models[r].model !== model);
  if (fixed.length || saved.selection.locked.includes('DUCK_MODEL_BASE_URL')) {
    console.log(style.yellow(`The environment still wins: ${saved.selection.locked.map((l) => inert(l)).join(', ')}. Unset it for this choice to apply.`));
  }
  return EXIT.ok;
}

function show(overview: Overview): void {
  const style = styleFor(process.stdout);
  const { status, selection } = overview;
  const dot = status.state === 'ready' ? style.green('●') : status.state === 'down' || status.state === 'unconfigured' ? style.red('●') : style.yellow('●');
  console.log(`${dot} ${inert(status.model ?? 'no model')}${status.where ? ` · ${inert(status.where)}` : ''}\n  ${inert(status.detail)}`);
  if (overview.servers.length) {
    const rows = overview.servers.flatMap((s) => {
      const state = !s.reachable ? 'not answering' : s.loading ? 'loading' : 'ready';
      const head = [s.base_url, s.label, state];
      if (!s.models.length) return [[...head, '']];
      return s.models.map((m, i) => [...(i === 0 ? head : ['', '', '']), [m.id, m.kind === 'embedding' ? '(embeddings)' : '', m.loaded === false ? '(not loaded)' : ''].filter(Boolean).join(' ')]);
    });
    console.log(`\n${formatTable(['SERVER', 'KIND', 'STATE', 'MODELS'], rows, style, process.stdout.isTTY ? process.stdout.columns : undefined)}`);
  }
  const roleRows = ROLES.map((r) => [r, selection.models[r].model, selection.unchosen.includes(r) ? 'not chosen yet' : SOURCES[selection.models[r].source] ?? selection.models[r].source]);
  console.log(`\n${formatTable(['ROLE', 'MODEL', 'CHOSEN BY'], roleRows, style, process.stdout.isTTY ? process.stdout.columns : undefined)}`);
  if (selection.locked.length) console.log(style.yellow(`\nSet by the environment, which wins over a choice made here: ${selection.locked.map((l) => inert(l)).join(', ')}.`));
  if (selection.unchosen.length) console.log(`\nChoose with: ducklm models use MODEL${overview.servers.length > 1 ? ' --server URL' : ''}`);
}

const SOURCES: Record<string, string> = { env: 'environment', file: 'ducklm.config.json', default: 'ducklm (found)' };

function roleArg(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new CliError(`--role takes one of ${ROLES.join(', ')}.`);
  return role;
}
