import { createInterface } from 'node:readline';
import { readSecretFromTty, type SecretResult } from './terminal.js';

export type LineResult = { kind: 'line'; text: string } | { kind: 'interrupt'; text: string } | { kind: 'eof' };

/**
 * What the interactive commands read from the person: lines at a prompt, a hidden password, and
 * Ctrl-C while a task streams. Exactly one of these listens at a time, so keys typed during an
 * answer are not echoed into it, and a password never reaches a line editor or its history.
 */
export interface ConsoleInput {
  /** Standard input is a terminal (else lines come from a pipe or file). */
  readonly terminal: boolean;
  /**
   * `remember: false` keeps the answer out of the up-arrow history (approval answers). `prefill`
   * is put on the line to be edited (one line, nothing a terminal would obey); from a pipe the
   * next line is read as the edited text.
   */
  readLine(prompt: string, options?: ReadLineOptions): Promise<LineResult>;
  readSecret(prompt: string): Promise<SecretResult>;
  /** Calls `onInterrupt` on every Ctrl-C (or SIGINT) until the returned function is called. */
  watchInterrupts(onInterrupt: () => void): () => void;
  close(): void;
}

export interface ReadLineOptions {
  remember?: boolean;
  prefill?: string;
}

export interface ConsoleInputOptions {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** A SIGINT that arrives while nothing listens (between a prompt and a stream). */
  onStrayInterrupt: () => void;
}

export function openConsoleInput(options: ConsoleInputOptions): ConsoleInput {
  return options.input.isTTY ? new TerminalInput(options) : new PipedInput(options);
}

/** Routes SIGINT (a signal, not a key: the terminal is not in raw mode, or `kill -INT`) to whoever listens now. */
abstract class BaseInput {
  protected onInterrupt: (() => void) | null = null;
  private readonly onSignal = () => (this.onInterrupt ?? this.options.onStrayInterrupt)();

  constructor(protected readonly options: ConsoleInputOptions) {
    process.on('SIGINT', this.onSignal);
  }

  close(): void {
    process.off('SIGINT', this.onSignal);
  }
}

class TerminalInput extends BaseInput implements ConsoleInput {
  readonly terminal = true;
  private history: string[] = [];

  // A line editor per prompt: while a task streams no editor is open, so typing does not echo into the answer.
  readLine(prompt: string, { remember = true, prefill }: ReadLineOptions = {}): Promise<LineResult> {
    const { input, output } = this.options;
    const rl = createInterface({ input, output, terminal: true, history: remember ? [...this.history] : [], historySize: remember ? 500 : 0, removeHistoryDuplicates: true });
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: LineResult) => {
        if (settled) return;
        settled = true;
        this.onInterrupt = null;
        rl.close();
        resolve(result);
      };
      if (remember) rl.on('history', (history: string[]) => (this.history = [...history]));
      rl.on('line', (text) => settle({ kind: 'line', text }));
      rl.on('SIGINT', () => {
        output.write('\n');
        settle({ kind: 'interrupt', text: rl.line });
      });
      // Ctrl-D on an empty line closes the editor.
      rl.on('close', () => {
        if (settled) return;
        output.write('\n');
        settle({ kind: 'eof' });
      });
      this.onInterrupt = () => rl.emit('SIGINT');
      rl.setPrompt(prompt);
      rl.prompt();
      // As if typed: the cursor ends after it, and every editing key works on it.
      if (prefill) rl.write(prefill);
    });
  }

  async readSecret(prompt: string): Promise<SecretResult> {
    this.onInterrupt = null;
    return readSecretFromTty(this.options.input, this.options.output, prompt);
  }

  watchInterrupts(onInterrupt: () => void): () => void {
    const { input } = this.options;
    // Raw mode: Ctrl-C arrives as a byte instead of a signal, and nothing typed is echoed.
    input.setRawMode(true);
    input.resume();
    const onData = (chunk: Buffer | string) => {
      // Two quick presses can arrive as one chunk: each counts.
      for (const ch of String(chunk)) if (ch === '\x03') onInterrupt();
    };
    input.on('data', onData);
    this.onInterrupt = onInterrupt;
    return () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      if (this.onInterrupt === onInterrupt) this.onInterrupt = null;
    };
  }

  override close(): void {
    super.close();
    if (this.options.input.isRaw) this.options.input.setRawMode(false);
    this.options.input.pause();
  }
}

/** Lines from a pipe or a file: one reader for the whole session, so no buffered line is lost between prompts. */
class PipedInput extends BaseInput implements ConsoleInput {
  readonly terminal = false;
  private readonly rl;
  private readonly lines;

  constructor(options: ConsoleInputOptions) {
    super(options);
    this.rl = createInterface({ input: options.input, terminal: false });
    this.lines = this.rl[Symbol.asyncIterator]();
  }

  async readLine(prompt: string): Promise<LineResult> {
    this.options.output.write(prompt);
    const next = await this.lines.next();
    if (next.done) {
      this.options.output.write('\n');
      return { kind: 'eof' };
    }
    // Echoed, so that a transcript shows what was asked.
    this.options.output.write(`${next.value}\n`);
    return { kind: 'line', text: next.value };
  }

  async readSecret(prompt: string): Promise<SecretResult> {
    this.options.output.write(`${prompt}\n`);
    const next = await this.lines.next();
    return next.done ? { kind: 'cancelled' } : { kind: 'secret', value: next.value };
  }

  watchInterrupts(onInterrupt: () => void): () => void {
    this.onInterrupt = onInterrupt;
    return () => {
      if (this.onInterrupt === onInterrupt) this.onInterrupt = null;
    };
  }

  override close(): void {
    super.close();
    this.rl.close();
  }
}
