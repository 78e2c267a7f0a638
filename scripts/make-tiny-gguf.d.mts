// Types for make-tiny-gguf.mjs, so TypeScript tests can import it.
export interface TinyGgufOptions {
  embeddingLength?: number;
  blockCount?: number;
  feedForwardLength?: number;
  headCount?: number;
  headCountKv?: number;
  contextLength?: number;
  seed?: number;
}
export declare const TINY_GGUF_DEFAULTS: Readonly<Required<TinyGgufOptions>>;
export declare function buildTinyGguf(options?: TinyGgufOptions): Buffer;
export declare function writeTinyGguf(path: string, options?: TinyGgufOptions): string;
