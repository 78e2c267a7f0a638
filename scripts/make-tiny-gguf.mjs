#!/usr/bin/env node
// Writes a tiny llama-architecture GGUF model with random weights, so tests can run the real
// embedded engine without downloading anything. The model talks nonsense, but every code path
// (load, tokenize, sample, grammar, stream) is exercised exactly as with a real model.
//
//   node scripts/make-tiny-gguf.mjs OUT_PATH
//
// Layout: GGUF v3, little-endian; header, metadata key/values, tensor infos, padding to
// `general.alignment` (32), then the F32 tensor data, each tensor starting on a 32-byte boundary.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ALIGNMENT = 32;

// GGUF metadata value types (gguf.h: enum gguf_type).
const T = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 };
// ggml tensor type of every tensor here (ggml.h: GGML_TYPE_F32).
const GGML_F32 = 0;
// llama.cpp token types (llama.h: enum llama_token_type).
const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;

/** Defaults: about 0.5 MB, loads in milliseconds and generates hundreds of tokens per second on one core. */
export const TINY_GGUF_DEFAULTS = Object.freeze({
  embeddingLength: 64,
  blockCount: 2,
  feedForwardLength: 128,
  headCount: 4,
  headCountKv: 2,
  contextLength: 4096,
  seed: 1234,
});

/**
 * The GPT-2 byte-to-unicode table: byte-level BPE vocabularies store each byte as a printable
 * character, and llama.cpp's "gpt2" tokenizer maps them back when detokenizing. With one token per
 * byte and no merges, any text round-trips exactly (unlike SentencePiece, whose byte fallback
 * turns spaces into "▁").
 */
function byteToUnicode() {
  const printable = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + shifted++);
  return table;
}

/** mulberry32: a seeded generator, so the same file is written every time. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  chunks = [];
  length = 0;
  push(buf) {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  f32(v) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
  str(s) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.push(b); }
  pad() { const rest = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT; if (rest) this.push(Buffer.alloc(rest)); }
  value(type, v) {
    if (type === T.u32) this.u32(v);
    else if (type === T.i32) this.i32(v);
    else if (type === T.f32) this.f32(v);
    else if (type === T.bool) this.push(Buffer.from([v ? 1 : 0]));
    else if (type === T.string) this.str(v);
    else throw new Error(`unsupported type ${type}`);
  }
}

/** Builds the whole file in memory; returns its bytes. */
export function buildTinyGguf(options = {}) {
  const o = { ...TINY_GGUF_DEFAULTS, ...options };
  const headDim = o.embeddingLength / o.headCount;
  if (!Number.isInteger(headDim)) throw new Error('embeddingLength must be a multiple of headCount');

  const bytes = byteToUnicode();
  // llama.cpp recognises "<|endoftext|>" as an end-of-generation token by its text; another name
  // works too, but logs a warning that the tokenizer config may be incorrect.
  const tokens = [...bytes, '<|startoftext|>', '<|endoftext|>'];
  const tokenTypes = [...bytes.map(() => TOKEN_NORMAL), TOKEN_CONTROL, TOKEN_CONTROL];
  const vocab = tokens.length;
  const bos = 256;
  const eos = 257;

  // [key, type, value] or [key, T.array, elementType, values]
  const kv = [
    ['general.architecture', T.string, 'llama'],
    ['general.name', T.string, 'ducklm tiny random model'],
    ['general.alignment', T.u32, ALIGNMENT],
    ['general.file_type', T.u32, 0], // LLAMA_FTYPE_ALL_F32
    ['llama.context_length', T.u32, o.contextLength],
    ['llama.embedding_length', T.u32, o.embeddingLength],
    ['llama.block_count', T.u32, o.blockCount],
    ['llama.feed_forward_length', T.u32, o.feedForwardLength],
    ['llama.attention.head_count', T.u32, o.headCount],
    ['llama.attention.head_count_kv', T.u32, o.headCountKv],
    ['llama.rope.dimension_count', T.u32, headDim],
    ['llama.rope.freq_base', T.f32, 10000],
    ['llama.attention.layer_norm_rms_epsilon', T.f32, 1e-5],
    ['llama.vocab_size', T.u32, vocab],
    ['tokenizer.ggml.model', T.string, 'gpt2'],
    // Named explicitly: without it llama.cpp warns that generation quality will be degraded.
    ['tokenizer.ggml.pre', T.string, 'default'],
    ['tokenizer.ggml.tokens', T.array, T.string, tokens],
    ['tokenizer.ggml.token_type', T.array, T.i32, tokenTypes],
    ['tokenizer.ggml.scores', T.array, T.f32, tokens.map(() => 0)],
    // The gpt2 tokenizer refuses to load without this key; an empty list means one token per byte.
    ['tokenizer.ggml.merges', T.array, T.string, []],
    ['tokenizer.ggml.bos_token_id', T.u32, bos],
    ['tokenizer.ggml.eos_token_id', T.u32, eos],
    ['tokenizer.ggml.add_bos_token', T.bool, true],
    ['tokenizer.ggml.add_eos_token', T.bool, false],
  ];

  // Dims are ggml's ne[] order: ne[0] is the row length (the input side of a matmul).
  const e = o.embeddingLength;
  const kvDim = headDim * o.headCountKv;
  const tensors = [
    ['token_embd.weight', [e, vocab], 'random'],
    ['output_norm.weight', [e], 'ones'],
    ['output.weight', [e, vocab], 'random'],
  ];
  for (let i = 0; i < o.blockCount; i++) {
    tensors.push(
      [`blk.${i}.attn_norm.weight`, [e], 'ones'],
      [`blk.${i}.attn_q.weight`, [e, e], 'random'],
      [`blk.${i}.attn_k.weight`, [e, kvDim], 'random'],
      [`blk.${i}.attn_v.weight`, [e, kvDim], 'random'],
      [`blk.${i}.attn_output.weight`, [e, e], 'random'],
      [`blk.${i}.ffn_norm.weight`, [e], 'ones'],
      [`blk.${i}.ffn_gate.weight`, [e, o.feedForwardLength], 'random'],
      [`blk.${i}.ffn_up.weight`, [e, o.feedForwardLength], 'random'],
      [`blk.${i}.ffn_down.weight`, [o.feedForwardLength, e], 'random'],
    );
  }

  const w = new Writer();
  w.push(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kv.length);
  for (const [key, type, a, b] of kv) {
    w.str(key);
    w.u32(type);
    if (type === T.array) {
      w.u32(a);
      w.u64(b.length);
      for (const item of b) w.value(a, item);
    } else {
      w.value(type, a);
    }
  }

  const next = random(o.seed);
  let offset = 0;
  const data = [];
  for (const [name, dims, fill] of tensors) {
    const count = dims.reduce((x, y) => x * y, 1);
    const values = new Float32Array(count);
    // Scaled like a fresh initialisation so activations stay finite through every layer.
    const scale = 1 / Math.sqrt(dims[0]);
    for (let j = 0; j < count; j++) values[j] = fill === 'ones' ? 1 : (next() * 2 - 1) * scale;
    w.str(name);
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offset);
    const buf = Buffer.from(values.buffer);
    const padded = Math.ceil(buf.length / ALIGNMENT) * ALIGNMENT;
    data.push(buf, Buffer.alloc(padded - buf.length));
    offset += padded;
  }
  w.pad();
  for (const buf of data) w.push(buf);
  return Buffer.concat(w.chunks);
}

/** Writes the tiny model to `path` and returns the path. */
export function writeTinyGguf(path, options = {}) {
  writeFileSync(path, buildTinyGguf(options));
  return path;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/make-tiny-gguf.mjs OUT_PATH');
    process.exit(2);
  }
  writeTinyGguf(out);
  console.log(`wrote ${out}`);
}
