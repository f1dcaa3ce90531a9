// `tersa itemsets`: frequent itemsets of baskets on standard input, checked
// line for line on a small hand-counted set, with its rounding of S × N,
// blank lines, --max-size and the exit statuses of bad usage and bad data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../lib/server.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

function run(args, input) {
  const r = spawnSync(BIN, ['itemsets', ...args], { input, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

// N = 6; counts by hand: bread 5, milk 5 (twice in the last basket, counted
// once), butter 3, beer 2, jam 1; bread+milk 4, bread+butter 3,
// butter+milk 2, beer+milk 2, bread+butter+milk 2, others 1.
const BASKETS = [
  'bread, milk ,butter',
  'bread,milk',
  ' bread,butter,jam',
  'milk,beer\r',
  'bread,milk,butter,beer',
  'bread,milk,milk',
].join('\n') + '\n';

describe('tersa itemsets', () => {
  it('lists every itemset reaching S × N rounded (0.3 × 6 = 1.8 → 2), by size then items in byte order', () => {
    const r = run(['--min-support', '0.3'], BASKETS);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, [
      '2\tbeer', '5\tbread', '3\tbutter', '5\tmilk',
      '2\tbeer,milk', '3\tbread,butter', '4\tbread,milk', '2\tbutter,milk',
      '2\tbread,butter,milk', ''].join('\n'));
  });

  it('rounds half up as Weka does (0.25 × 6 = 1.5 → 2) and stops at --max-size', () => {
    const r = run(['--min-support', '0.25', '--max-size', '1'], BASKETS);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, '2\tbeer\n5\tbread\n3\tbutter\n5\tmilk\n');
    const hi = run(['--min-support', '0.5'], BASKETS); // 3
    assert.equal(hi.out, '5\tbread\n3\tbutter\n5\tmilk\n3\tbread,butter\n4\tbread,milk\n');
  });

  it('counts blank lines as empty baskets in N', () => {
    // N = 8 with two blank lines: 0.5 × 8 = 4
    const r = run(['--min-support', '0.5'], BASKETS + '\n  \n');
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, '5\tbread\n5\tmilk\n4\tbread,milk\n');
  });

  it('sorts items by bytes, not by locale; no input gives no lines', () => {
    const r = run(['--min-support', '1'], 'b,a,B,é\nB,a,é,b\n');
    assert.equal(r.out.split('\n').at(-2), '2\tB,a,b,é');
    const empty = run(['--min-support', '0.1'], '');
    assert.equal(empty.status, 0);
    assert.equal(empty.out, '');
  });

  it('exits 2 on bad usage and 1 on bad data with the line number', () => {
    for (const args of [[], ['--min-support'], ['--min-support', '0'], ['--min-support', '1.5'],
      ['--min-support', 'x'], ['--min-support', '0.1', '--max-size', '0'],
      ['--min-support', '0.1', '--bogus']]) {
      const r = run(args, 'a\n');
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.err, /tersa itemsets: /);
    }
    const bad = run(['--min-support', '0.1'], 'a,b\nc,,d\n');
    assert.equal(bad.status, 1);
    assert.match(bad.err, /line 2/);
  });
});
