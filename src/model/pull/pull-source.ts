import { UserError } from '../../errors.js';

/** A source `ducklm models pull` accepts: an http(s) URL of a .gguf file, or a Hugging Face URI. */
export interface PullSource {
  /** What node-llama-cpp's downloader is given: the URL without its `#sha256=` fragment, or the `hf:` URI as written. */
  uri: string;
  kind: 'url' | 'hf';
  /**
   * The file's URL when it is known before downloading: a plain URL, or `hf:owner/repo/path/file.gguf[#branch]`.
   * Null for `hf:owner/repo[:quant]`, which only the hub's manifest resolves.
   */
  fileUrl: string | null;
  /** A sha256 the person gave (`--sha256`, `sha256` in the body, or `#sha256=<hex>` on a URL), lower case. */
  sha256: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/i;
const HF_PREFIXES = ['hf://', 'huggingface://', 'hf:', 'huggingface:'];

/** Where `hf:` URIs point: HF_ENDPOINT or MODEL_ENDPOINT as node-llama-cpp reads them, else huggingface.co. */
export function huggingFaceEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return withSlash(env.MODEL_ENDPOINT || env.HF_ENDPOINT || 'https://huggingface.co/');
}

export function withSlash(endpoint: string): string {
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}

/** Reads a source; a source that cannot be a model download is a UserError, said before any request. */
export function parsePullSource(raw: string, options: { sha256?: string | null; huggingFaceEndpoint?: string } = {}): PullSource {
  const source = raw.trim();
  if (!source) throw new UserError('Which model? Give a URL of a .gguf file or hf:owner/repo/file.gguf.');
  const given = options.sha256?.trim() || null;
  if (given !== null && !SHA256.test(given)) throw new UserError('A sha256 checksum is 64 hexadecimal characters.');

  const prefix = HF_PREFIXES.find((p) => source.toLowerCase().startsWith(p));
  if (prefix) return { uri: source, kind: 'hf', fileUrl: huggingFaceFileUrl(source.slice(prefix.length), withSlash(options.huggingFaceEndpoint ?? huggingFaceEndpoint())), sha256: given?.toLowerCase() ?? null };

  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new UserError(`"${source}" is neither an http(s) URL nor an hf: URI (hf:owner/repo/file.gguf).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`Only http(s) URLs and hf: URIs can be pulled, not ${url.protocol} ones.`);
  if (url.username || url.password) throw new UserError('Put no user name or password in the URL: they would be kept in logs and in the pull list.');
  // `#sha256=<hex>` pins the file, as pip's hash fragments do; a fragment never reaches the server anyway.
  const fragment = /^#sha256=([0-9a-f]{64})$/i.exec(url.hash);
  if (url.hash && !fragment) throw new UserError(`The only fragment a URL may carry is #sha256=<64 hex characters>, not "${url.hash}".`);
  const pinned = fragment?.[1]?.toLowerCase() ?? null;
  if (pinned && given && pinned !== given.toLowerCase()) throw new UserError('The URL\'s #sha256= and the sha256 given differ.');
  url.hash = '';
  return { uri: url.href, kind: 'url', fileUrl: url.href, sha256: pinned ?? given?.toLowerCase() ?? null };
}

/**
 * `owner/repo/path/file.gguf[#branch]` → `<endpoint>owner/repo/resolve/<branch>/path/file.gguf?download=true`,
 * the URL node-llama-cpp downloads the same URI from. `owner/repo[:quant]` names no file: null.
 */
function huggingFaceFileUrl(rest: string, endpoint: string): string | null {
  const [user, model, ...pathParts] = rest.split('/');
  if (!user || !model) throw new UserError(`"hf:${rest}" needs an owner and a repository: hf:owner/repo/file.gguf or hf:owner/repo:quant.`);
  let path = pathParts.join('/');
  if (!path || model.includes(':')) return null;
  let branch = 'main';
  const hash = path.indexOf('#');
  if (hash >= 0) {
    branch = path.slice(hash + 1) || 'main';
    path = path.slice(0, hash);
  }
  if (!path.toLowerCase().includes('.gguf')) throw new UserError(`"hf:${rest}" does not name a .gguf file.`);
  const encodedPath = path
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
  return `${endpoint}${encodeURIComponent(user)}/${encodeURIComponent(model)}/resolve/${encodeURIComponent(branch)}/${encodedPath}?download=true`;
}
