import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node as BashNode };

/**
 * The bash grammar of tree-sitter (the parser GitHub and editors use for bash), run as WebAssembly
 * from the npm packages alone: nothing is downloaded at install or run time.
 *
 * tree-sitter's runtime can only start asynchronously, so it starts here, once, with a top-level
 * await: every module that imports this one waits for it, and parsing afterwards is synchronous
 * (classifyCommand and auditSubject stay sync, and no caller has to remember an init call).
 * If loading fails, the server still starts and every command asks (see parseBash).
 */
let parser: Parser | undefined;
let loadError: string | undefined;

try {
  const require = createRequire(import.meta.url);
  await Parser.init();
  // Handed over as bytes, so loading never depends on how web-tree-sitter resolves a path or URL.
  const bash = await Language.load(readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
  parser = new Parser();
  parser.setLanguage(bash);
} catch (error) {
  loadError = error instanceof Error ? error.message : String(error);
}

/**
 * Parses one command line and hands its syntax tree to `use`; the tree lives in WebAssembly memory
 * and is freed as soon as `use` returns, so nodes must not be kept.
 */
export function parseBash<T>(text: string, use: (root: Node) => T): T | { error: string } {
  if (!parser) return { error: `the bash parser could not be loaded (${loadError ?? 'unknown error'})` };
  let tree: Tree | null = null;
  try {
    tree = parser.parse(text);
    if (!tree) return { error: 'the bash parser gave no result' };
    return use(tree.rootNode);
  } finally {
    tree?.delete();
  }
}
