/** Colours and the low-level terminal bits the commands share. */

export interface Style {
  readonly enabled: boolean;
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

interface MaybeTty {
  isTTY?: boolean;
}

/** Colour only for a person at a terminal: never into a pipe or a file, never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function colorsWanted(stream: MaybeTty, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function styleFor(stream: MaybeTty, env: NodeJS.ProcessEnv = process.env): Style {
  const enabled = colorsWanted(stream, env);
  const sgr = (open: number, close: number) => (text: string) => (enabled && text ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { enabled, dim: sgr(2, 22), bold: sgr(1, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/** Erases the current line and puts the cursor at its start. */
export const CLEAR_LINE = '\r\x1b[2K';

export type SecretResult = { kind: 'secret'; value: string } | { kind: 'cancelled' };

/**
 * Reads a secret from a terminal in raw mode: nothing is echoed, not even a mask, so neither the
 * screen nor a recording of it shows the secret or its length. Ctrl-C (or Ctrl-D on an empty
 * entry) cancels; Backspace and Ctrl-U edit.
 */
export function readSecretFromTty(input: NodeJS.ReadStream, output: NodeJS.WritableStream, prompt: string): Promise<SecretResult> {
  output.write(prompt);
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: SecretResult) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      // Arrow keys and the like arrive as escape sequences: they are not part of a password.
      if (text.startsWith('\x1b')) return;
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish({ kind: 'secret', value });
        if (ch === '\x03' || (ch === '\x04' && !value)) return finish({ kind: 'cancelled' });
        if (ch === '\x7f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch === '\x15') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** Remembers where the cursor is (DECSC). */
export const SAVE_CURSOR = '\x1b7';
/** Back to the remembered place (DECRC), erasing everything after it on the screen. */
export const RESTORE_AND_ERASE = '\x1b8\x1b[J';
