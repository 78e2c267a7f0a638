import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { LocalModel } from '../local-models.js';
import { ModelPullError } from './pull-error.js';
import { pullModel, type PullOptions, type PullPhase, type PullProgress, type PullResult } from './pull-model.js';
import { parsePullSource } from './pull-source.js';

export type PullState = 'running' | 'done' | 'failed' | 'cancelled';

/** One pull as the API shows it; the same object is each SSE frame's data. */
export interface PullStatus {
  id: string;
  source: string;
  state: PullState;
  phase: PullPhase | null;
  downloaded_bytes: number;
  total_bytes: number;
  bytes_per_second: number;
  /** The model once the pull is done. */
  model: LocalModel | null;
  /** Whether the file was there already (nothing downloaded). */
  already_present: boolean;
  error: { code: string; message: string } | null;
  started_at: string;
  finished_at: string | null;
}

type Listener = (status: PullStatus) => void;

interface Job {
  status: PullStatus;
  /** The source as the downloader sees it, so that the same file asked twice is one pull. */
  key: string;
  controller: AbortController;
  listeners: Set<Listener>;
  finished: Promise<void>;
  lastSent: number;
}

export interface ModelPullsOptions {
  dataDir: string;
  /** The download itself; tests may hand in a scripted one. */
  pull?: (source: string, options: PullOptions) => Promise<PullResult>;
  huggingFaceEndpoint?: string;
  /** Progress is passed on at most this often (state changes always at once); default 250 ms. */
  progressIntervalMs?: number;
  now?: () => Date;
}

/** Finished pulls kept for clients to read; the oldest go first. */
const KEPT_FINISHED = 50;

/**
 * The pulls the server runs for the Settings view: start one, read or follow its progress, cancel it.
 * Held in memory, per server: a pull is a download in this process, and what it leaves (the file or
 * the resumable partial) is on disk. A failed pull is a state with its error, never a thrown one.
 */
export class ModelPulls {
  private readonly jobs = new Map<string, Job>();
  private readonly pull: NonNullable<ModelPullsOptions['pull']>;
  private readonly interval: number;
  private readonly now: () => Date;

  constructor(private readonly options: ModelPullsOptions) {
    this.pull = options.pull ?? pullModel;
    this.interval = options.progressIntervalMs ?? 250;
    this.now = options.now ?? (() => new Date());
  }

  /** Starts a pull; a bad source is a UserError, the same source already pulling a ConflictError. */
  start(source: string, sha256?: string | null): PullStatus {
    const parsed = parsePullSource(source, { sha256, ...(this.options.huggingFaceEndpoint ? { huggingFaceEndpoint: this.options.huggingFaceEndpoint } : {}) });
    const key = parsed.uri;
    const running = [...this.jobs.values()].find((job) => job.key === key && job.status.state === 'running');
    if (running) throw new ConflictError(`${source} is already being pulled (pull ${running.status.id}).`);

    const id = randomUUID();
    const controller = new AbortController();
    const job: Job = {
      key,
      controller,
      listeners: new Set(),
      lastSent: 0,
      finished: Promise.resolve(),
      status: { id, source: source.trim(), state: 'running', phase: 'connecting', downloaded_bytes: 0, total_bytes: 0, bytes_per_second: 0, model: null, already_present: false, error: null, started_at: this.now().toISOString(), finished_at: null },
    };
    this.jobs.set(id, job);
    this.forgetOld();
    const onProgress = (progress: PullProgress) => this.progress(job, progress);
    job.finished = this.pull(source, { dataDir: this.options.dataDir, signal: controller.signal, onProgress, sha256, ...(this.options.huggingFaceEndpoint ? { huggingFaceEndpoint: this.options.huggingFaceEndpoint } : {}) }).then(
      (result) => this.settle(job, { state: 'done', model: result.model, already_present: result.alreadyPresent, downloaded_bytes: result.model.size, total_bytes: result.model.size, bytes_per_second: 0 }),
      (error: unknown) => {
        if (controller.signal.aborted) return this.settle(job, { state: 'cancelled', error: { code: 'cancelled', message: 'The pull was stopped; pull the same source again to resume.' } });
        // Only our own errors' text is shown: an unexpected one may carry anything.
        const shown = error instanceof ModelPullError ? { code: error.code, message: error.message } : { code: 'failed', message: 'The pull failed unexpectedly.' };
        this.settle(job, { state: 'failed', error: shown });
      },
    );
    return { ...job.status };
  }

  get(id: string): PullStatus {
    return { ...this.job(id).status };
  }

  list(): PullStatus[] {
    return [...this.jobs.values()].map((job) => ({ ...job.status }));
  }

  /** Stops a running pull and resolves once it has let go of its files; the partial download stays for a later resume. */
  async cancel(id: string): Promise<PullStatus> {
    const job = this.job(id);
    if (job.status.state !== 'running') throw new ConflictError(`Pull ${id} has already ended (${job.status.state}).`);
    job.controller.abort();
    await job.finished;
    return { ...job.status };
  }

  /** Calls `listener` with each change until the pull ends; returns how to stop listening. */
  follow(id: string, listener: Listener): () => void {
    const job = this.job(id);
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Stops every running pull (the server is closing) and waits for them. */
  async closeAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((job) => job.status.state === 'running');
    for (const job of running) job.controller.abort();
    await Promise.all(running.map((job) => job.finished));
  }

  private job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundError(`Unknown pull: ${id}`);
    return job;
  }

  private progress(job: Job, progress: PullProgress): void {
    if (job.status.state !== 'running') return;
    const phaseChanged = progress.phase !== job.status.phase;
    Object.assign(job.status, { phase: progress.phase, downloaded_bytes: progress.downloadedBytes, total_bytes: progress.totalBytes, bytes_per_second: Math.round(progress.bytesPerSecond) });
    const at = Date.now();
    if (phaseChanged || at - job.lastSent >= this.interval) {
      job.lastSent = at;
      this.emit(job);
    }
  }

  private settle(job: Job, change: Partial<PullStatus>): void {
    Object.assign(job.status, { phase: null }, change, { finished_at: this.now().toISOString() });
    this.emit(job);
    job.listeners.clear();
  }

  private emit(job: Job): void {
    for (const listener of [...job.listeners]) listener({ ...job.status });
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((job) => job.status.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED))) this.jobs.delete(job.status.id);
  }
}
