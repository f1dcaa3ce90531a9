#!/usr/bin/env node
// arff.mjs: the two conversions of the itemsets bench.
//
//   arff.mjs tx FILE.arff     one transaction per line for `tersa itemsets`: the
//                             items "attribute=value" of the row's non-missing
//                             values (a row with every value missing would be a
//                             blank line: an empty transaction, counted in N as
//                             Weka counts the row)
//   arff.mjs weka OUT.txt     Weka Apriori's -I listing as "count<TAB>items"
//                             lines, items sorted by bytes and joined by commas
import { readFileSync, writeSync } from 'node:fs';

const usage = `usage: arff.mjs tx FILE.arff | arff.mjs weka OUT.txt`;

function die(msg) {
  process.stderr.write(msg + '\n');
  process.exit(1);
}

// The file's lines, any of \r\n, \r or \n ending them (as Python's text
// mode reads them); a final newline gives no extra line.
function lines(path) {
  const text = readFileSync(path, 'utf8');
  const ls = text.split(/\r\n|\r|\n/);
  if (ls.length && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

function unquote(s) {
  s = s.trim();
  if (s.length >= 2 && s[0] === s[s.length - 1] && (s[0] === "'" || s[0] === '"')) return s.slice(1, -1);
  return s;
}

// Output is gathered and written once: process.stdout on a pipe is
// asynchronous, and this keeps the order and the exit code simple.
function tx(path) {
  const names = [];
  const out = [];
  let data = false;
  for (let line of lines(path)) {
    line = line.trim();
    if (!line || line.startsWith('%')) continue;
    const low = line.toLowerCase();
    if (!data) {
      if (low.startsWith('@attribute')) {
        const rest = line.slice('@attribute'.length).trim();
        if (rest[0] === "'" || rest[0] === '"') {
          const end = rest.indexOf(rest[0], 1);
          if (end < 0) die(`arff.mjs: unterminated attribute name in ${JSON.stringify(line)}`);
          names.push(rest.slice(1, end));
        } else {
          names.push(rest.split(/\s+/)[0]);
        }
      } else if (low.startsWith('@data')) {
        data = true;
      }
      continue;
    }
    const vals = line.split(',').map(unquote);
    if (vals.length !== names.length)
      die(`arff.mjs: a row with ${vals.length} values for ${names.length} attributes`);
    const items = [];
    vals.forEach((v, i) => {
      if (v !== '?') items.push(`${names[i]}=${v}`);
    });
    out.push(items.join(',') + '\n');
  }
  return out;
}

function weka(path) {
  const out = [];
  let inside = false;
  for (const line of lines(path)) {
    if (line.startsWith('Large Itemsets L(')) {
      inside = true;
      continue;
    }
    if (!line.trim()) {
      inside = false;
      continue;
    }
    if (!inside) continue;
    const toks = line.split(' ');
    const count = toks.pop();
    const items = [];
    let cur = [];
    for (const t of toks) {
      cur.push(t);
      if (t.includes('=')) {
        items.push(cur.join(' '));
        cur = [];
      }
    }
    if (cur.length) die(`arff.mjs: cannot split ${JSON.stringify(line)} into items`);
    items.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    out.push(`${count}\t${items.join(',')}\n`);
  }
  return out;
}

const [mode, file] = process.argv.slice(2);
if (process.argv.length !== 4 || (mode !== 'tx' && mode !== 'weka')) die(usage);
const buf = Buffer.from((mode === 'tx' ? tx : weka)(file).join(''), 'utf8');
for (let off = 0; off < buf.length; ) off += writeSync(1, buf, off);
