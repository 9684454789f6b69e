// Writes targets/testdata/reference_counts.json: exact o200k_base and
// cl100k_base counts from the npm `tiktoken` package (WASM build of OpenAI's
// reference tiktoken), using encode_ordinary so special-token text is plain text.
//
//   cd bench/tokenref && npm ci && node reference_counts.js
'use strict';
const fs = require('fs');
const path = require('path');
const { get_encoding } = require('tiktoken');
const { REPO, atlasDir, slugs, readSoul, pkgVersion } = require('./common');

const ver = pkgVersion('tiktoken');
const enc = { o200k_base: get_encoding('o200k_base'), cl100k_base: get_encoding('cl100k_base') };
const count = (name, s) => enc[name].encode_ordinary(s).length;

// Adversarial strings: always checked by the Go test, atlas or not.
const strings = [
  '',
  ' ',
  '\n',
  '<|endoftext|>',
  '<|endofprompt|>',
  '<|fim_prefix|><|fim_middle|><|fim_suffix|>',
  'Before <|endoftext|> after <|im_start|>system<|im_sep|>hi<|im_end|>',
  '<|start|>developer<|message|>Formatting re-enabled<|end|>',
  '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nx<|eot_id|>',
  '[INST] [SYSTEM_PROMPT]hello[/SYSTEM_PROMPT] [/INST]</s>',
  '<|endoftext',
  'line one\r\nline two\r\n\r\n- bullet\r\n',
  '\r\r\n\n\t \u00a0\u2028\u2029',
  'Emoji: 👩🏽‍💻 🏳️‍🌈 👍🏿 🇯🇵 🧑‍🔬',
  '中文测试：专家人格编译器。日本語のテキスト、カタカナ。한국어 문장입니다.',
  'Ελληνικά, русский текст, עברית, العربية, हिन्दी, ไทย',
  'Zero\u200bwidth\u200djoiner\ufeffBOM',
  'Combining: e\u0301 a\u0308 n\u0303 — “quotes” ‘single’ … ellipsis',
  '    indented code\n\tfunc main() { fmt.Println("hi") }\n',
  '## Heading\n\n**Bold.** _italic_ `code` [link](https://example.com/a?b=c&d=e)\n',
  '1234567890 3.14159 1e-9 0xDEADBEEF 2026-11-27T02:30:00Z',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '                                                                  x',
  '!!!???...,,,;;;:::---___===+++***###@@@$$$%%%^^^&&&',
  '\u1c89 new-in-unicode-16 char and \u{1F6DC} wireless',
  'Mixed 😀 中 a\r\n<|endoftext|>\u00e9',
];

const out = {
  generated_by: 'cd bench/tokenref && npm ci && node reference_counts.js',
  tiktoken_npm_version: ver,
  method: 'encode_ordinary',
  atlas: '../shared/atlas/souls (relative to the repo root); files sorted by slug, every 10th (index % 10 == 0) is marked sample',
  files: [],
  strings: strings.map((s) => ({ text: s, o200k_base: count('o200k_base', s), cl100k_base: count('cl100k_base', s) })),
};

const dir = atlasDir();
if (fs.existsSync(dir)) {
  slugs(dir).forEach((slug, i) => {
    const { text, sha256 } = readSoul(dir, slug);
    out.files.push({ slug, sample: i % 10 === 0, sha256, o200k_base: count('o200k_base', text), cl100k_base: count('cl100k_base', text) });
  });
} else {
  console.error(`atlas not found at ${dir}; writing strings only`);
}

const dest = path.join(REPO, 'targets', 'testdata', 'reference_counts.json');
fs.mkdirSync(path.dirname(dest), { recursive: true });
fs.writeFileSync(dest, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${dest}: ${out.files.length} files (${out.files.filter((f) => f.sample).length} sampled), ${out.strings.length} strings`);
