/**
 * Model output as HTML: markdown-it with raw HTML off (the model can never inject markup),
 * links that open in a new tab without a referrer, code highlighted by highlight.js, and nothing
 * that the page's Content-Security-Policy would refuse (no style attributes, no remote images).
 */
import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import diff from 'highlight.js/lib/languages/diff';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import yaml from 'highlight.js/lib/languages/yaml';

for (const [name, language] of Object.entries({ bash, diff, javascript, json, plaintext, python, shell, sql, typescript, yaml })) {
  hljs.registerLanguage(name, language);
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
const { escapeHtml, unescapeAll } = md.utils;

/** Highlighted HTML of a code block; unknown languages are shown as plain, escaped text. */
export function highlight(code: string, lang: string): string {
  const language = lang && hljs.getLanguage(lang) ? lang : null;
  return language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
}

// A fenced block gets a small header with its language and a copy button (handled by delegation).
md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const lang = (token.info ? unescapeAll(token.info).trim() : '').split(/\s+/)[0] ?? '';
  const label = escapeHtml(lang || 'text');
  const languageClass = lang ? ` language-${escapeHtml(lang)}` : '';
  return (
    `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
    `<button type="button" class="code-copy" data-copy-code>Copy</button></div>` +
    `<pre><code class="hljs${languageClass}">${highlight(token.content, lang)}</code></pre></div>\n`
  );
};

md.renderer.rules.code_block = (tokens, idx) => `<pre><code class="hljs">${escapeHtml(tokens[idx]!.content)}</code></pre>\n`;

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank');
  tokens[idx]!.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// Images are links: the policy allows no remote images, and a model's answer should not load any.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = token.attrGet('src') ?? '';
  const alt = token.children?.map((child) => child.content).join('') || src;
  return `<a href="${escapeHtml(src)}" target="_blank" rel="noopener noreferrer" class="image-link">🖼 ${escapeHtml(alt)}</a>`;
};

// Wide tables scroll inside their own box instead of the page.
md.renderer.rules.table_open = () => '<div class="table-wrap"><table>\n';
md.renderer.rules.table_close = () => '</table></div>\n';

// Column alignment comes as style="text-align:…", which the policy forbids: use classes instead.
md.core.ruler.push('align_classes', (state) => {
  for (const token of state.tokens) {
    if (token.type !== 'th_open' && token.type !== 'td_open') continue;
    const style = token.attrGet('style');
    if (!style) continue;
    const align = /text-align:\s*(left|right|center)/.exec(style)?.[1];
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    if (align) token.attrJoin('class', `align-${align}`);
  }
});

export function renderMarkdown(text: string): string {
  return md.render(text);
}
