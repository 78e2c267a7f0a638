import { open as openFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
// Type-only: erased at build time, so node-llama-cpp (and its native addon) loads only in `open()`.
import type { ChatHistoryItem, ChatWrapper, Llama, LlamaChatResponseChunk, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { DucklmError, ModelRequestError, ModelUnavailableError } from '../../errors.js';
import type { ChatMessage, ChatOptions, EmbeddingSource, FinishReason, ModelClient, ModelHealth, ModelResponse, ResponseFormat, StreamChunk, TokenUsage } from '../model-client.js';
import { EmbeddingEngine } from './embedding-engine.js';
import type { Role } from '../roles.js';
import { toGrammarSchema } from './grammar-schema.js';
import { SequencePool } from './sequence-pool.js';
import { streamFromCallbacks } from './stream-bridge.js';

type NodeLlamaCpp = typeof import('node-llama-cpp');

export interface EmbeddedModelOptions {
  /** A GGUF file. */
  modelPath: string;
  /** Tokens each request can see (prompt and reply); one KV cache of this size per sequence. */
  contextSize?: number;
  /** How many requests generate at once; more wait for a free sequence. */
  sequences?: number;
  /** `'auto'` uses CUDA, Vulkan or Metal when a prebuilt binary for it works here, else the CPU. */
  gpu?: 'auto' | false;
  /** CPU threads for evaluation; default: the cores llama.cpp finds useful for math. */
  threads?: number;
  /** A role's sampling defaults (the config file's), used when a call passes none. */
  roleDefaults?: Partial<Record<Role, { temperature?: number; maxTokens?: number }>>;
  /** Whether the model also embeds texts for recall (default true; DUCK_MODEL_EMBED=off turns it off). */
  embeddings?: boolean;
}

/** How the embedded engine's embeddings are named: vectors of another file are never compared with them. */
export const embeddedEmbeddingModel = (modelPath: string) => `embedded:${basename(modelPath)}`;

/** llama-server's sampling defaults, for calls that set no temperature (node-llama-cpp's own default is greedy). */
const DEFAULT_TEMPERATURE = 0.8;
const SAMPLING = { topK: 40, topP: 0.95, minP: 0.05 };
const GRAMMAR_CACHE_LIMIT = 32;

/** Loaded once per GPU choice: a `Llama` is the native backend and is meant to be shared. */
const llamas = new Map<string, Promise<Llama>>();

/**
 * Runs a GGUF model in-process with node-llama-cpp: one model and one context for every role,
 * one context sequence per concurrent request.
 */
export class EmbeddedModelClient implements ModelClient {
  private readonly pool: SequencePool<LlamaContextSequence>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly name: string;
  private closed = false;

  private constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
    private readonly modelPath: string,
    private readonly roleDefaults: EmbeddedModelOptions['roleDefaults'] = {},
    private readonly embedder: EmbeddingEngine | null = null,
  ) {
    this.name = basename(modelPath);
    this.pool = new SequencePool(
      context.totalSequences,
      () => context.getSequence(),
      (sequence) => sequence.dispose(),
    );
  }

  static async open(options: EmbeddedModelOptions): Promise<EmbeddedModelClient> {
    const modelPath = resolve(options.modelPath);
    await assertGgufFile(modelPath);
    let lib: NodeLlamaCpp;
    try {
      lib = await import('node-llama-cpp');
    } catch (error) {
      throw new ModelUnavailableError(`DUCK_MODEL_PATH needs the node-llama-cpp package, which could not be loaded: ${messageOf(error)}`, null, { cause: error });
    }
    const gpu = options.gpu ?? 'auto';
    let llama: Llama;
    try {
      llama = await sharedLlama(lib, gpu);
    } catch (error) {
      throw new ModelUnavailableError(`No usable prebuilt llama.cpp binary for this machine (${process.platform}-${process.arch}): ${messageOf(error)}`, null, { cause: error });
    }
    let model: LlamaModel | undefined;
    try {
      model = await llama.loadModel({ modelPath });
      // node-llama-cpp's CPU default is at least 4 threads; on fewer cores they spin against
      // each other (measured: 30x slower on 2 cores), so default to the cores llama.cpp counts.
      const threads = options.threads ?? llama.cpuMathCores;
      // A context never uses more than its Llama's limit (on a CPU, the math cores or 4): raise
      // the limit to what DUCK_MODEL_THREADS asks for, or more threads would be asked in vain.
      if (llama.maxThreads !== 0 && llama.maxThreads < threads) llama.maxThreads = threads;
      const context = await model.createContext({ contextSize: options.contextSize ?? 4096, sequences: options.sequences ?? 4, threads });
      const embedder = options.embeddings === false ? null : new EmbeddingEngine(model, embeddedEmbeddingModel(modelPath), { threads });
      return new EmbeddedModelClient(lib, llama, model, context, lib.resolveChatWrapper(model), modelPath, options.roleDefaults, embedder);
    } catch (error) {
      await model?.dispose().catch(() => {});
      throw new ModelUnavailableError(`Cannot load the model ${modelPath}: ${messageOf(error)}`, null, { cause: error });
    }
  }

  async chat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): Promise<ModelResponse> {
    const started = performance.now();
    const { stopWhen } = options;
    // The embedded engine always writes a structured reply under its schema's grammar.
    const watch = stopWhen ? { stopWhen: (answer: string) => stopWhen(answer, { constrained: options.responseFormat !== undefined }) } : {};
    const { response, usage, finishReason } = await this.generate(role, messages, options, watch);
    const reasoning = response.fullResponse
      .map((part) => (typeof part === 'string' ? '' : part.text))
      .join('');
    return {
      role,
      model: this.name,
      content: response.response,
      reasoningContent: reasoning || null,
      usage,
      latencyMs: Math.round(performance.now() - started),
      finishReason,
    };
  }

  streamChat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<StreamChunk> {
    return streamFromCallbacks<StreamChunk>(options.signal, async (push, signal) => {
      // `stopWhen` is for `chat`; a stream's reader stops by leaving the loop.
      const onChunk = (chunk: LlamaChatResponseChunk) => {
        if (!chunk.text) return; // segment start/end markers carry no text
        push({ type: chunk.type === 'segment' ? 'reasoning_delta' : 'content_delta', delta: chunk.text });
      };
      const { usage, finishReason } = await this.generate(role, messages, { ...options, signal }, { onChunk });
      push({ type: 'usage', usage });
      push({ type: 'finish', reason: finishReason });
    });
  }

  /** CPU threads the chat context evaluates with (DUCK_MODEL_THREADS, or the engine's choice). */
  get threads(): number {
    return this.context.idealThreads;
  }

  /** The model itself embeds, in a context of its own (made on first use), beside the chat sequences. */
  embeddings(): EmbeddingSource | null {
    return this.closed ? null : this.embedder;
  }

  async health(): Promise<ModelHealth> {
    const detail = this.closed ? `embedded: ${this.name} (closed)` : `embedded: ${this.name}`;
    const embedding = this.embeddings() ? { model: this.embedder!.embeddingModel, origin: this.embedder!.origin } : null;
    return { configured: true, reachable: !this.closed, baseUrl: null, detail, embedding };
  }

  /** Frees the model and its contexts; requests still waiting for a sequence fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pool.close(this.unavailable('was closed'));
    await this.embedder?.close();
    await this.context.dispose();
    await this.model.dispose();
  }

  /**
   * One generation on a pooled sequence; `onChunk` receives text and thought chunks as they come.
   * With `stopWhen`, the answer text is checked as it comes, and our own abort ends the generation
   * with what it has (node-llama-cpp's `stopOnAbortSignal`); a caller's abort still throws.
   */
  private async generate(role: Role, messages: ChatMessage[], options: ChatOptions, watch: GenerationWatch = {}) {
    const { onChunk, stopWhen } = watch;
    if (this.closed) throw this.unavailable('was closed');
    const grammar = options.responseFormat ? await this.grammarFor(options.responseFormat) : undefined;
    const sequence = await this.pool.acquire(options.signal);
    const chat = new this.lib.LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
    const meterBefore = sequence.tokenMeter.getState();
    const started = performance.now();
    const stop = new AbortController();
    const signal = stopWhen ? (options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal) : options.signal;
    let answer = '';
    const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
      onChunk?.(chunk);
      if (!stopWhen || stop.signal.aborted || chunk.type === 'segment') return;
      answer += chunk.text;
      if (stopWhen(answer)) stop.abort(new DOMException('stopWhen was satisfied.', 'AbortError'));
    };
    let failed = false;
    try {
      const defaults = this.roleDefaults?.[role];
      const temperature = options.temperature ?? defaults?.temperature ?? DEFAULT_TEMPERATURE;
      const response = await chat.generateResponse(toHistory(messages), {
        ...(grammar ? { grammar } : {}),
        ...(signal ? { signal } : {}),
        ...(stopWhen ? { stopOnAbortSignal: true } : {}),
        // Without a limit a looping model would fill the context, shift it, and go on.
        maxTokens: options.maxOutputTokens ?? defaults?.maxTokens ?? sequence.contextSize,
        temperature,
        ...(temperature > 0 ? SAMPLING : {}),
        // llama-server applies no repeat penalty by default; a penalty also fights JSON's repeated punctuation.
        repeatPenalty: false,
        // A thought budget of 0 closes a thought segment as soon as the model opens one: the
        // generic "do not think" for any chat format. Grammar-constrained replies never think,
        // since the grammar applies from the first token.
        ...(options.reasoning === 'off' ? { budgets: { thoughtTokens: 0 } } : {}),
        ...(onChunk || stopWhen ? { onResponseChunk } : {}),
      });
      // With `stopOnAbortSignal` the caller's abort also ends quietly; it must still reject.
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('The model request was aborted.', 'AbortError');
      const seconds = (performance.now() - started) / 1000;
      const used = sequence.tokenMeter.diff(meterBefore);
      const promptTokens = Math.max(0, sequence.nextTokenIndex - used.usedOutputTokens);
      const usage: TokenUsage = {
        promptTokens,
        completionTokens: used.usedOutputTokens,
        // The sequence kept the last conversation: only the part after the shared prefix was evaluated.
        cachedPromptTokens: Math.max(0, promptTokens - used.usedInputTokens),
        // Wall time of the whole request, prompt processing included (llama.cpp reports generation only).
        ...(seconds > 0 && used.usedOutputTokens > 0 ? { tokensPerSecond: Math.round((used.usedOutputTokens / seconds) * 10) / 10 } : {}),
      };
      const finishReason: FinishReason = stop.signal.aborted ? 'stopped' : finishReasonOfStop(response.metadata.stopReason);
      return { response, usage, finishReason };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('The model request was aborted.', 'AbortError');
      failed = true;
      if (error instanceof DucklmError) throw error;
      throw new ModelRequestError(`The embedded model ${this.name} failed: ${messageOf(error)}`, null, { cause: error });
    } finally {
      chat.dispose({ disposeSequence: false });
      if (failed) this.pool.discard(sequence);
      else this.pool.release(sequence);
    }
  }

  /** Grammars are compiled once per schema: the role schemas are constants. */
  private grammarFor(format: ResponseFormat): Promise<LlamaGrammar> {
    const key = JSON.stringify(format.schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      if (this.grammars.size >= GRAMMAR_CACHE_LIMIT) this.grammars.delete(this.grammars.keys().next().value as string);
      grammar = this.llama.createGrammarForJsonSchema(toGrammarSchema(format.schema) as Parameters<Llama['createGrammarForJsonSchema']>[0]);
      // A schema the grammar builder rejects is the caller's bug; do not cache the failure.
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar.catch((error: unknown) => {
      throw new ModelRequestError(`The response format "${format.name}" cannot be turned into a grammar: ${messageOf(error)}`, null, { cause: error });
    });
  }

  private unavailable(what: string): ModelUnavailableError {
    return new ModelUnavailableError(`The embedded model ${this.modelPath} ${what}.`, null);
  }
}

interface GenerationWatch {
  onChunk?: (chunk: LlamaChatResponseChunk) => void;
  stopWhen?: ((answer: string) => boolean) | undefined;
}

/** node-llama-cpp's stop reason in the contract's terms. */
function finishReasonOfStop(reason: string): FinishReason {
  switch (reason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return 'stop';
    case 'maxTokens':
      return 'length';
    default:
      return 'other';
  }
}

function sharedLlama(lib: NodeLlamaCpp, gpu: 'auto' | false): Promise<Llama> {
  const key = String(gpu);
  let llama = llamas.get(key);
  if (!llama) {
    // build: 'never': use the prebuilt binaries from npm; never download and compile llama.cpp.
    llama = lib.getLlama({ gpu, build: 'never', progressLogs: false, logLevel: lib.LlamaLogLevel.warn });
    llama.catch(() => llamas.delete(key));
    llamas.set(key, llama);
  }
  return llama;
}

/** Fails early, naming the path, for the two mistakes node-llama-cpp reports least clearly. */
async function assertGgufFile(path: string): Promise<void> {
  let magic: string;
  try {
    const file = await openFile(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
      magic = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await file.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? messageOf(error)})`;
    throw new ModelUnavailableError(`The model file ${path} (DUCK_MODEL_PATH) ${why}.`, null, { cause: error });
  }
  if (magic !== 'GGUF') throw new ModelUnavailableError(`The model file ${path} (DUCK_MODEL_PATH) is not a GGUF file.`, null);
}

/**
 * Our messages as node-llama-cpp's chat history. The reply is generated into a trailing model
 * item; when the conversation already ends with an assistant message, that one is continued
 * (a prefill, as llama-server does).
 */
function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
  );
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim() || 'no details';
}
