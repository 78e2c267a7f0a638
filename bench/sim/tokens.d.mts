// Types for tokens.mjs, so the TypeScript test (test/bench/sim.test.ts) can import it.
export declare function tokenize(text: string): string[];
export declare function contentText(content: unknown): string;
export declare function renderChatML(messages: { role: string; content: unknown }[]): string;
export declare function commonPrefix(a: readonly string[], b: readonly string[]): number;
