// The web UI's static files (ETag, 304, SPA fallback, no escape from the
// folder) and the `tersa` command line (user add/passwd/list/disable, usage).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startServer, rawRequest, uniq, ROOT } from '../lib/server.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

describe('static files', () => {
  let srv, web;
  before(async () => {
    web = mkdtempSync(path.join(os.tmpdir(), 'tersa-web-'));
    mkdirSync(path.join(web, 'assets'));
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Tersa</title>');
    writeFileSync(path.join(web, 'assets', 'app-1a2b.js'), 'console.log("tersa")');
    srv = await startServer({ args: ['--web', web] });
  });
  after(async () => {
    await srv?.stop();
    rmSync(web, { recursive: true, force: true });
  });

  it('serves index.html at / with an ETag, and 304 for a matching If-None-Match', async () => {
    const r = await fetch(srv.url + '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.equal(await r.text(), '<!doctype html><title>Tersa</title>');
    const etag = r.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(r.headers.get('content-security-policy'));
    const again = await fetch(srv.url + '/', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  it('serves hashed assets as immutable with their type', async () => {
    const r = await fetch(srv.url + '/assets/app-1a2b.js');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/javascript/);
    assert.match(r.headers.get('cache-control'), /immutable/);
  });

  it('answers client-side routes with index.html, a missing asset with 404', async () => {
    const r = await fetch(srv.url + '/pos/checkout');
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '<!doctype html><title>Tersa</title>');
    assert.equal((await fetch(srv.url + '/assets/missing.js')).status, 404);
  });

  it('never serves outside the folder or hidden files', async () => {
    for (const p of ['/../../../etc/passwd', '/assets/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/.env']) {
      const r = await rawRequest(srv, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.ok(!r.text.includes('root:'), `${p} leaked a file`);
      assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.text.slice(0, 40)}`);
    }
  });

  it('keeps /api/ out of the fallback', async () => {
    const r = await srv.api('GET', '/api/v1/no-such-thing');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type'), /problem\+json/);
  });
});

describe('tersa command line', () => {
  let dir, db;
  const run = (args, input) => spawnSync(BIN, args, { input, encoding: 'utf8', cwd: ROOT,
    env: { ...process.env, TERSA_ADMIN_PASSWORD: undefined } });

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tersa-cli-'));
    db = path.join(dir, 'cli.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('wrong arguments: short usage and exit 2', () => {
    for (const args of [[], ['frobnicate'], ['serve'], ['serve', '--db', db, '--listen', 'nope'],
      ['user', 'add', '--db', db, '--username', 'x'], ['user', 'add', '--db', db, '--username', 'abc', '--role', 'king']]) {
      const r = run(args, '');
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /usage: tersa/);
    }
    const v = run(['version']);
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^tersa \d+\.\d+\.\d+/);
  });

  it('demo: a company with stores, staff, products and opening stock, made once', () => {
    const demo = path.join(dir, 'demo.db');
    let r = run(['demo', '--db', demo, '--products', '40'], '');
    assert.equal(r.status, 0, r.stderr);
    r = run(['user', 'list', '--db', demo]);
    assert.match(r.stdout, /\tmanager01\tstore_manager\tactive\t/);
    assert.match(r.stdout, /\tsales20\tsales\tactive\t/);
    assert.match(r.stdout, /\theadoffice\thq\t/);
    for (const cmd of ['check-stock', 'check-db']) assert.equal(run([cmd, '--db', demo]).status, 0);
    // a second run leaves the company as it is
    r = run(['demo', '--db', demo, '--products', '40'], '');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run(['user', 'list', '--db', demo]).stdout.split('\n').filter((l) => /\tmanager/.test(l)).length, 20);
  });

  it('user add / list / passwd / disable, and the server honours them', async () => {
    const name = `cli_${uniq()}`.toLowerCase();
    let r = run(['user', 'add', '--db', db, '--username', name, '--role', 'hq', '--display-name', '总部'],
      'First-passw0rd-cli\n');
    assert.equal(r.status, 0, r.stderr);
    r = run(['user', 'add', '--db', db, '--username', `${name}2`, '--role', 'hq'], 'short\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /password: must be 12 to 128 characters/);

    r = run(['user', 'list', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\t${name}\\thq\\tactive\\t总部`));
    assert.ok(!r.stdout.includes(`${name}2`), 'a refused user was stored');

    r = run(['user', 'passwd', '--db', db, name], 'Second-passw0rd-cli\n');
    assert.equal(r.status, 0, r.stderr);

    const srv = await startServer({ db, login: false });
    try {
      assert.equal((await srv.api('POST', '/api/v1/auth/login', { body: { username: name, password: 'First-passw0rd-cli' } })).status, 401);
      const ok = await srv.api('POST', '/api/v1/auth/login', { body: { username: name, password: 'Second-passw0rd-cli' } });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.user.role, 'hq');
      r = run(['user', 'disable', '--db', db, name]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal((await srv.api('GET', '/api/v1/me', { token: ok.body.token })).status, 401);
    } finally {
      await srv.stop();
    }
  });
});
