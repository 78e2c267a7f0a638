// What `ducklm models pull` accepts as a source, and where an hf: URI points (Hugging Face itself is
// not reachable from tests; model-pull.test.ts downloads hf: URIs from a local stand-in).
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { huggingFaceEndpoint, parsePullSource } from '../../src/model/pull/pull-source.js';

const HF = 'https://huggingface.co/';
const hex = 'ab'.repeat(32);

describe('parsePullSource', () => {
  it('resolves hf:owner/repo/file.gguf to the hub\'s resolve URL, on main or the branch after #', () => {
    expect(parsePullSource('hf:bartowski/Qwen-GGUF/Qwen-Q4_K_M.gguf', { huggingFaceEndpoint: HF })).toEqual({
      uri: 'hf:bartowski/Qwen-GGUF/Qwen-Q4_K_M.gguf',
      kind: 'hf',
      fileUrl: 'https://huggingface.co/bartowski/Qwen-GGUF/resolve/main/Qwen-Q4_K_M.gguf?download=true',
      sha256: null,
    });
    expect(parsePullSource('hf:me/repo/sub dir/model.gguf#dev', { huggingFaceEndpoint: HF }).fileUrl).toBe('https://huggingface.co/me/repo/resolve/dev/sub%20dir/model.gguf?download=true');
  });

  it('leaves hf:owner/repo:quant to the hub\'s manifest (no file URL before the download)', () => {
    expect(parsePullSource('hf:owner/repo-GGUF:Q4_K_M')).toMatchObject({ kind: 'hf', fileUrl: null });
    expect(parsePullSource('hf:owner/repo-GGUF')).toMatchObject({ kind: 'hf', fileUrl: null });
  });

  it('takes #sha256= off a URL as the checksum to check', () => {
    expect(parsePullSource(`https://example.com/m.gguf#sha256=${hex.toUpperCase()}`)).toEqual({ uri: 'https://example.com/m.gguf', kind: 'url', fileUrl: 'https://example.com/m.gguf', sha256: hex });
    expect(parsePullSource('https://example.com/m.gguf', { sha256: hex }).sha256).toBe(hex);
  });

  it('refuses what cannot be a model download, before any request', () => {
    for (const bad of ['', 'file:///etc/passwd', '/home/me/model.gguf', 'ftp://host/m.gguf', 'hf:owner', 'hf:owner/repo/README.md', 'https://u:p@example.com/m.gguf', 'https://example.com/m.gguf#top', `https://example.com/m.gguf#sha256=${hex}`]) {
      expect(() => parsePullSource(bad, bad.includes('sha256') ? { sha256: 'cd'.repeat(32) } : {}), bad).toThrow(UserError);
    }
    expect(() => parsePullSource('https://example.com/m.gguf', { sha256: 'xyz' })).toThrow(UserError);
  });

  it('takes the hub from MODEL_ENDPOINT or HF_ENDPOINT, as node-llama-cpp does', () => {
    expect(huggingFaceEndpoint({})).toBe(HF);
    expect(huggingFaceEndpoint({ HF_ENDPOINT: 'https://mirror.example' })).toBe('https://mirror.example/');
    expect(huggingFaceEndpoint({ HF_ENDPOINT: 'https://a.example', MODEL_ENDPOINT: 'https://b.example/' })).toBe('https://b.example/');
  });
});
