import { rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelDownloader } from 'node-llama-cpp';
import { ensureModelFolders, modelsFolder, partialFolder, type LocalModel } from '../local-models.js';
import { checkDownloadedFile, reason, safeUrl, upstreamFacts, type UpstreamFacts } from './pull-checks.js';
import { ModelPullError } from './pull-error.js';
import { huggingFaceEndpoint, parsePullSource, withSlash } from './pull-source.js';

export type PullPhase = 'connecting' | 'downloading' | 'verifying';

export interface PullProgress {
  phase: PullPhase;
  downloadedBytes: number;
  /** 0 while unknown (before the server answered, or a server that sends no Content-Length). */
  totalBytes: number;
  bytesPerSecond: number;
}

export interface PullOptions {
  dataDir: string;
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
  /** A checksum the person vouches for; else `#sha256=` on the URL, else what the server sends. */
  sha256?: string | null;
  /** Where `hf:` URIs resolve; default HF_ENDPOINT / MODEL_ENDPOINT / huggingface.co. */
  huggingFaceEndpoint?: string;
}

export interface PullResult {
  model: LocalModel;
  /** The sha256 the file was checked against, or null when no source gave one. */
  sha256: string | null;
  /** The file was there already, checked when it was pulled: nothing was downloaded. */
  alreadyPresent: boolean;
}

/**
 * Downloads a GGUF into `<data folder>/models` with node-llama-cpp's downloader (ipull: parallel
 * ranged requests, retries, and a resume record next to the partial file). The download goes to
 * `models/.partial/`; only a file whose size, GGUF magic and (when known) sha256 check out is
 * moved into `models/`, so a listed model is always whole. Stopping (the signal) keeps the partial
 * file and its record: pulling the same source again asks only for the missing ranges.
 */
export async function pullModel(rawSource: string, options: PullOptions): Promise<PullResult> {
  const endpoint = withSlash(options.huggingFaceEndpoint ?? huggingFaceEndpoint());
  const source = parsePullSource(rawSource, { sha256: options.sha256, huggingFaceEndpoint: endpoint });
  const { signal } = options;
  const report = (progress: PullProgress) => options.onProgress?.(progress);
  const cancelled = () => new ModelPullError('cancelled', 'The pull was stopped; pull the same source again to resume.');
  if (signal?.aborted) throw cancelled();
  report({ phase: 'connecting', downloadedBytes: 0, totalBytes: 0, bytesPerSecond: 0 });

  try {
    ensureModelFolders(options.dataDir);
  } catch (error) {
    throw storageError(error);
  }
  const facts: UpstreamFacts = source.fileUrl ? await upstreamFacts(source.fileUrl, signal) : { sha256: null, size: null };
  const staging = partialFolder(options.dataDir);
  let downloader: ModelDownloader;
  try {
    // Loaded on first use: node-llama-cpp is large, and every other CLI command would pay for it.
    const { createModelDownloader } = await import('node-llama-cpp');
    downloader = await abortable(
      createModelDownloader({
        modelUri: source.uri,
        dirPath: staging,
        endpoints: { huggingFace: endpoint },
        // Keep the partial file and its record on cancel: the next pull resumes from them.
        deleteTempFileOnCancel: false,
        // A finished but unchecked file in the staging folder (a crash between download and check) is checked, not fetched again.
        skipExisting: true,
        onProgress: ({ totalSize, downloadedSize, averageSpeed }) => report({ phase: 'downloading', downloadedBytes: downloadedSize, totalBytes: totalSize, bytesPerSecond: Math.max(0, averageSpeed || 0) }),
      }),
      signal,
    );
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw downloadError(error, source.fileUrl ?? source.uri);
  }

  const files = downloader.filesInfo.map((file) => ({ ...file, fileName: basename(file.filePath), target: join(modelsFolder(options.dataDir), ggufName(basename(file.filePath))) }));
  const entry = files[0]!;
  const present = await Promise.all(files.map((file) => isFile(file.target)));
  if (present.every(Boolean)) {
    return { model: await localModel(entry.target), sha256: null, alreadyPresent: true };
  }

  let stopping: Promise<void> | null = null;
  const onAbort = () => {
    stopping = downloader.cancel({ deleteTempFile: false }).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await downloader.download();
  } catch (error) {
    if (signal?.aborted) {
      await stopping;
      throw cancelled();
    }
    throw downloadError(error, source.fileUrl ?? source.uri);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  // A cancelled download returns as if it had finished: the signal says which it was.
  if (signal?.aborted) {
    await stopping;
    throw cancelled();
  }

  report({ phase: 'verifying', downloadedBytes: downloader.totalSize, totalBytes: downloader.totalSize, bytesPerSecond: 0 });
  const single = files.length === 1;
  let sha256: string | null = null;
  for (const file of files) {
    const staged = join(staging, file.fileName);
    const expected = {
      size: file.totalSize > 0 ? file.totalSize : single ? facts.size : null,
      // Checksums name one file; a split model's parts have their own, which no source gives here.
      sha256: single ? (source.sha256 ?? facts.sha256) : null,
    };
    try {
      if (single && facts.size !== null && file.totalSize > 0 && facts.size !== file.totalSize) {
        throw new ModelPullError('size_mismatch', `The server announced ${facts.size} bytes for the file but sent ${file.totalSize}; it was removed.`);
      }
      sha256 = (await checkDownloadedFile(staged, expected, signal)).sha256;
    } catch (error) {
      await rm(staged, { force: true });
      await rm(`${staged}.ipull`, { force: true });
      if (error instanceof ModelPullError) throw error;
      if (signal?.aborted) throw cancelled();
      throw storageError(error);
    }
  }
  try {
    for (const file of files) await rename(join(staging, file.fileName), file.target);
  } catch (error) {
    throw storageError(error);
  }
  return { model: await localModel(entry.target), sha256, alreadyPresent: false };
}

/** Only `.gguf` files are listed and loaded; a URL that named its file otherwise still gives one. */
function ggufName(name: string): string {
  return name.toLowerCase().endsWith('.gguf') ? name : `${name}.gguf`;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function localModel(path: string): Promise<LocalModel> {
  const stats = await stat(path);
  return { name: basename(path), path, size: stats.size, complete: true, modified_at: stats.mtime.toISOString() };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO']);

function storageError(error: unknown): ModelPullError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : (code ?? reason(error));
  return new ModelPullError('storage', `Could not write the model into the data folder: ${why}.`, { cause: error });
}

/** ipull's and node-llama-cpp's errors as one line that names no query string (a signed URL's query is a credential). */
function downloadError(error: unknown, url: string): ModelPullError {
  if (error instanceof ModelPullError) return error;
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (status === 404 || status === 410) return new ModelPullError('upstream_not_found', `The server has no such file (HTTP ${status}): ${safeUrl(url)}`, { cause: error });
  if (typeof status === 'number') return new ModelPullError('upstream_error', `The server answered HTTP ${status} for ${safeUrl(url)}.`, { cause: error });
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code && STORAGE_CODES.has(code)) return storageError(error);
  const message = error instanceof Error ? error.message : String(error);
  if (/does not exist|not found/i.test(message)) return new ModelPullError('upstream_not_found', `No such model: ${safeUrl(url)} (${message.replace(/https?:\/\/\S+/g, (u) => safeUrl(u))})`, { cause: error });
  return new ModelPullError('failed', `The download failed: ${message.replace(/https?:\/\/\S+/g, (u) => safeUrl(u))}`, { cause: error });
}
