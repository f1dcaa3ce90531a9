// `tersa forecast`: one number a line in, one JSON object out with the
// model and H values per band; usage errors exit 2, a bad line exits 1.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../lib/server.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

function run(args, input) {
  return spawnSync(BIN, ['forecast', ...args], { input, encoding: 'utf8' });
}

// R: AirPassengers; snaive(AirPassengers, h = 3) gives 417, 391, 419 with
// 80% bounds 370.45950016906329... (forecast 8.20).
const AIR = [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149,
  170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166, 171, 180,
  193, 181, 183, 218, 230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243, 264, 272, 237, 211,
  180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229, 242, 233, 267, 269, 270, 315,
  364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306, 315, 301,
  356, 348, 355, 422, 465, 467, 404, 347, 305, 336, 340, 318, 362, 348, 363, 435, 491, 505, 404, 359,
  310, 337, 360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535,
  622, 606, 508, 461, 390, 432];
const KEYS = ['model', 'mean', 'lower_80', 'upper_80', 'lower_95', 'upper_95'];

describe('tersa forecast', () => {
  it('answers snaive as R does', () => {
    const r = run(['--period', '12', '--horizon', '3', '--model', 'snaive'], AIR.join('\n') + '\n');
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(o), KEYS);
    assert.equal(o.model, 'snaive');
    assert.deepEqual(o.mean, [417, 391, 419]);
    assert.ok(Math.abs(o.lower_80[0] - 370.45950016906329) < 1e-9);
    assert.ok(Math.abs(o.upper_95[2] - 490.17755222932834) < 1e-9);
  });

  it('gives H values in every band for each method, auto saying why', () => {
    for (const m of ['auto', 'naive', 'snaive', 'ses', 'holt', 'damped', 'ets', 'theta', 'croston', 'sba']) {
      const r = run(['--period=12', '--horizon=5', `--model=${m}`], AIR.join('\n'));
      assert.equal(r.status, 0, `${m}: ${r.stderr}`);
      const o = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(o), KEYS);
      for (const k of KEYS.slice(1)) {
        assert.equal(o[k].length, 5, `${m} ${k}`);
        for (const v of o[k]) assert.equal(typeof v, 'number');
      }
      for (let i = 0; i < 5; i++) assert.ok(o.lower_95[i] <= o.lower_80[i] && o.upper_80[i] <= o.upper_95[i]);
    }
    const r = run(['--period', '12', '--horizon', '2'], AIR.join('\n'));
    assert.match(JSON.parse(r.stdout).model, /auto: backtest MASE/);
    const z = run(['--period', '7', '--horizon', '2'], '0\n0\n3\n0\n0\n0\n1\n0\n2\n0\n0\n0\n0\n5\n');
    assert.match(JSON.parse(z.stdout).model, /^SBA \(auto: intermittent: 71% zero values/);
  });

  it('says the series was constant instead of dividing by zero', () => {
    const r = run(['--period', '1', '--horizon', '2', '--model', 'ets'], '4\n4\n4\n4\n');
    assert.equal(r.status, 0);
    const o = JSON.parse(r.stdout);
    assert.equal(o.model, 'naive (constant series)');
    assert.deepEqual(o.upper_95, [4, 4]);
  });

  it('exits 2 on bad usage and 1 on a bad line with its number', () => {
    for (const args of [[], ['--period', '12'], ['--horizon', '3'], ['--period', '0', '--horizon', '3'],
      ['--period', '12', '--horizon', 'x'], ['--period', '12', '--horizon', '3', '--model', 'arima'],
      ['--period', '12', '--horizon', '3', '--bogus', '1'], ['--period', '12', '--horizon', '1001']]) {
      const r = run(args, '1\n2\n');
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /usage: tersa forecast/);
      assert.equal(r.stdout, '');
    }
    const bad = run(['--period', '1', '--horizon', '2'], '1\n2\nabc\n4\n');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /line 3/);
    assert.equal(bad.stdout, '');
    assert.match(run(['--period', '1', '--horizon', '2'], '1\nnan\n').stderr, /line 2/);
    assert.match(run(['--period', '1', '--horizon', '2'], '1\n\n2\n').stderr, /line 2/);
    assert.equal(run(['--period', '1', '--horizon', '2'], '').status, 1);
  });
});
