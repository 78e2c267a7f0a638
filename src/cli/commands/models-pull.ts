import { parseArgs } from 'node:util';
import { dataDir } from '../../config.js';
import { listLocalModels, listPartialModels, modelsFolder } from '../../model/local-models.js';
import { ModelPullError } from '../../model/pull/pull-error.js';
import { pullModel, type PullPhase } from '../../model/pull/pull-model.js';
import { CliError, EXIT } from '../cli-error.js';
import { inert } from '../inert.js';
import { printJson } from '../options.js';
import { formatBytes, ProgressBar } from '../progress-bar.js';
import { formatTable } from '../table.js';
import { styleFor } from '../terminal.js';

export const MODELS_PULL_USAGE = `ducklm models pull <URL | hf:owner/repo/file.gguf | hf:owner/repo:quant> [--sha256 HEX] [--json]
                 download a GGUF into <data folder>/models with a progress bar; Ctrl-C stops,
                 the same command again resumes; size, GGUF header and sha256 (from --sha256,
                 #sha256=HEX on the URL, or Hugging Face's X-Linked-ETag) are checked
  ducklm models local [--json]   (also: ducklm models list --local)
                 the GGUF files pulled so far, and downloads that can be resumed`;

/** Whether `ducklm models <args>` is one of these commands: `pull`, `local`, or `list --local`. */
export function isLocalModelCommand(args: string[]): boolean {
  const [sub, ...rest] = args;
  return sub === 'pull' || sub === 'local' || ((sub === 'list' || sub === 'ls') && rest.includes('--local'));
}

/**
 * `ducklm models pull|local` and `models list --local`, dispatched to from the `models` command.
 * They work on the data folder directly, with no server.
 */
export async function localModelCommands(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'pull') return modelsPull(rest);
  if (sub === 'local') return modelsLocal(rest);
  if ((sub === 'list' || sub === 'ls') && rest.includes('--local')) return modelsLocal(rest.filter((a) => a !== '--local'));
  throw new CliError(`Unknown "ducklm models ${inert(sub ?? '')}". Usage:\n  ${MODELS_PULL_USAGE}`);
}

const PHASE_LINE: Partial<Record<PullPhase, string>> = { connecting: 'Asking the server about the file…', verifying: 'Checking the file…' };

/** Downloads a model in this process; Ctrl-C stops it cleanly and leaves the partial file to resume. */
export async function modelsPull(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { sha256: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) {
    process.stdout.write(`Usage:\n  ${MODELS_PULL_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new CliError(`Give one source to pull. Usage:\n  ${MODELS_PULL_USAGE}`);
  const source = positionals[0]!;
  const err = process.stderr;
  const style = styleFor(err);
  const bar = new ProgressBar(err, style);
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  // `on`, not `once`: signal-exit (used by node-llama-cpp's dependencies) re-raises a signal that only it listens to.
  process.on('SIGINT', onInterrupt);
  let phase: PullPhase | null = null;
  try {
    const result = await pullModel(source, {
      dataDir: dataDir(process.env),
      signal: stop.signal,
      sha256: values.sha256 ?? null,
      onProgress: (progress) => {
        if (progress.phase !== phase) {
          bar.finish();
          phase = progress.phase;
          const line = PHASE_LINE[phase];
          if (line) err.write(`${style.dim(line)}\n`);
        }
        if (progress.phase === 'downloading') bar.update(progress);
      },
    });
    bar.finish();
    const { model } = result;
    if (values.json) {
      printJson({ ...model, sha256: result.sha256, already_present: result.alreadyPresent });
      return EXIT.ok;
    }
    const checked = result.sha256 ? `, sha256 ${result.sha256.slice(0, 12)}… checked` : '';
    console.log(result.alreadyPresent ? `Already pulled: ${inert(model.path)} (${formatBytes(model.size)}).` : `Pulled ${inert(model.name)} (${formatBytes(model.size)}${checked}) into ${inert(model.path)}.`);
    console.log(style.dim(`Run it in-process: DUCK_MODEL_PATH=${inert(model.path)} ducklm serve`));
    return EXIT.ok;
  } catch (error) {
    bar.finish();
    if (error instanceof ModelPullError && error.code === 'cancelled') {
      err.write('Stopped. Run the same command again to resume the download.\n');
      return EXIT.interrupted;
    }
    if (error instanceof ModelPullError) throw new CliError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The pulled GGUF files (and downloads not finished), read from the data folder. */
export async function modelsLocal(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(`Usage:\n  ${MODELS_PULL_USAGE}\n`);
    return EXIT.ok;
  }
  const dir = dataDir(process.env);
  const local = listLocalModels(dir);
  const partial = listPartialModels(dir);
  if (values.json) {
    printJson({ folder: modelsFolder(dir), models: local, partial });
    return EXIT.ok;
  }
  if (!local.length && !partial.length) {
    console.log(`No models pulled yet (they go into ${inert(modelsFolder(dir))}). Try: ducklm models pull hf:owner/repo/file.gguf`);
    return EXIT.ok;
  }
  const rows = [...local.map((m) => [m.name, formatBytes(m.size), 'ready', m.path]), ...partial.map((p) => [p.name, formatBytes(p.size), 'partial: pull again to resume', p.path])];
  console.log(formatTable(['NAME', 'SIZE', 'STATE', 'PATH'], rows, styleFor(process.stdout), process.stdout.isTTY ? process.stdout.columns : undefined));
  return EXIT.ok;
}
