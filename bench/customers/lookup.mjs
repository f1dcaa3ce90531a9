// lookup.mjs: times member lookups through HTTP one request at a time (the
// till asks one question and waits) and writes the p50/p99 table. Run by
// bench/customers.sh with N, REQS, PORT, PASSWORD and OUT in the environment.
import { writeFileSync } from 'node:fs';
import os from 'node:os';

const N = Number(process.env.N);
const REQS = Number(process.env.REQS);
const base = `http://127.0.0.1:${process.env.PORT}`;
const SUR = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const SUR_I = 'wlzlcyhzwzxsmzhghgll';
const GIV = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞辉建国志文斌宇浩雪';
const GIV_I = 'wfnmjlqljyyyjjtmcxxpggyhylphmpfhjgzwbyhx';

async function call(method, path, token, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const admin = (await call('POST', '/api/v1/auth/login', null, { username: 'admin', password: process.env.PASSWORD })).token;
const user = `bench_sales_${Date.now()}`;
await call('POST', '/api/v1/users', admin, { username: user, password: process.env.PASSWORD, display_name: 'Bench', role: 'sales', store_ids: [1] });
const sales = (await call('POST', '/api/v1/auth/login', null, { username: user, password: process.env.PASSWORD })).token;

const rnd = () => 1 + Math.floor(Math.random() * N);
const phone = (i) => `139${String((i * 7919) % 100000000).padStart(8, '0')}`;
const kinds = [
  ['full phone', (i) => `phone=${phone(i)}`, 1],
  ['last four digits', (i) => `phone_last4=${phone(i).slice(-4)}&limit=20`, 1],
  ['member code', (i) => `member_code=8${String(i).padStart(11, '0')}`, 1],
  ['name prefix (2 characters)', (i) => `q=${encodeURIComponent(SUR[i % 20] + GIV[Math.floor(i / 20) % 40])}&limit=20`, 1],
  ['full name', (i) => `q=${encodeURIComponent(SUR[i % 20] + GIV[Math.floor(i / 20) % 40] + GIV[Math.floor(i / 800) % 40])}&limit=20`, 1],
  ['pinyin initials', (i) => `q=${SUR_I[i % 20]}${GIV_I[Math.floor(i / 20) % 40]}${GIV_I[Math.floor(i / 800) % 40]}&limit=20`, 1],
];

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const rows = [];
for (const [who, token] of [['admin (all customers)', admin], ['sales, store 1 (scoped)', sales]]) {
  for (const [name, qs] of kinds) {
    for (let w = 0; w < 50; w++) await call('GET', `/api/v1/customers?${qs(rnd())}`, token);
    const times = [];
    let found = 0;
    for (let k = 0; k < REQS; k++) {
      const i = rnd();
      const t0 = performance.now();
      const r = await call('GET', `/api/v1/customers?${qs(i)}`, token);
      times.push(performance.now() - t0);
      if (r.items.length) found++;
    }
    times.sort((a, b) => a - b);
    rows.push({ who, name, p50: pct(times, 50), p99: pct(times, 99), found: found / REQS });
    console.log(`${who.padEnd(24)} ${name.padEnd(28)} p50 ${pct(times, 50).toFixed(2)} ms  p99 ${pct(times, 99).toFixed(2)} ms  (found ${(100 * found / REQS).toFixed(0)}%)`);
  }
}

const date = new Date().toISOString().slice(0, 10);
const lines = [
  `# Member lookup, ${N.toLocaleString('en')} customers (${date})`,
  '',
  `SQLite, \`tersa serve\` defaults, ${REQS} lookups of each kind one after another over one keep-alive connection, random keys, times measured by the client, load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores. Goals: phone and member code p99 < 5 ms, last four digits and name p99 < 30 ms.`,
  '',
  '| Who | Lookup | p50 (ms) | p99 (ms) | answers with a match |',
  '|---|---|---:|---:|---:|',
  ...rows.map((r) => `| ${r.who} | ${r.name} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(100 * r.found).toFixed(0)}% |`),
  '',
];
writeFileSync(process.env.OUT, lines.join('\n'));
