// run.mjs: the dashboard's calls through HTTP against DuckDB computing the
// same figures from the raw sales, lines and returns (exported once from the
// same database). Checks that both give identical figures, then writes p50
// and p99 of each to OUT. Run by bench/reports.sh with PORT, PASSWORD, DIR
// (the exported CSV files), REPS and OUT in the environment.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';

const base = `http://127.0.0.1:${process.env.PORT}`;
const REPS = Number(process.env.REPS || 50);
const DIR = process.env.DIR;

async function get(path, token) {
  const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}
const login = await fetch(`${base}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: process.env.PASSWORD }),
});
if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
const token = (await login.json()).token;

// ---- DuckDB: the raw tables, loaded once ----
const duck = await (await DuckDBInstance.create(':memory:')).connect();
const t0 = performance.now();
for (const t of ['sales', 'sale_lines', 'sale_returns', 'sale_return_lines', 'products', 'categories']) {
  // Business days stay text, as Tersa keeps and answers them.
  const types = t === 'sales' || t === 'sale_returns' ? `, types = {'day': 'VARCHAR'}` : '';
  await duck.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv('${DIR}/${t}.csv', header = true${types})`);
}
const loadMs = performance.now() - t0;
const rows = async (sql) => (await duck.runAndReadAll(sql)).getRowObjectsJS();

// The same arithmetic the sale and its returns use: a line's cost is unit
// cost x quantity (thousandths) half up; a return line takes its cumulative
// share of the line's amounts (half up), so that all returns of a line add
// up to the line.
const LINE_COST = `CASE WHEN l.unit_cost > 0 THEN (l.unit_cost * l.quantity + 500) // 1000 ELSE 0 END`;
const PART = (a) => `((2 * (${a}) * x.cum + l.quantity) // (2 * l.quantity) - (2 * (${a}) * (x.cum - x.quantity) + l.quantity) // (2 * l.quantity))`;
const RETURNED = `(SELECT y.*, SUM(y.quantity) OVER (PARTITION BY y.sale_line_id ORDER BY y.id) AS cum FROM sale_return_lines y) x`;
// Every sale, void and return of the days `when` selects (a condition on a
// day column), as the store sees it: what was paid or given back, its VAT,
// cost and units, on its own day; orders +1 a sale, -1 a void. Only the
// period's lines are read.
const DOCS = (when) => {
  const sums = `(SELECT l.sale_id, SUM(l.vat) AS vat, SUM(${LINE_COST}) AS cost, SUM(l.quantity) AS units
      FROM sale_lines l JOIN sales p ON p.id = l.sale_id WHERE ${when('p.day')} GROUP BY l.sale_id) t`;
  return `docs AS (
  SELECT s.day, s.store_id, COALESCE(s.salesperson_id, s.cashier_id) AS staff, s.paid AS revenue,
         t.vat, t.cost, t.units, 1 AS orders
    FROM sales s JOIN ${sums} ON t.sale_id = s.id
  UNION ALL
  SELECT s.day, s.store_id, COALESCE(s.salesperson_id, s.cashier_id), -s.paid, -t.vat, -t.cost, -t.units, -1
    FROM sales s JOIN ${sums} ON t.sale_id = s.id WHERE s.status = 'voided'
  UNION ALL
  SELECT r.day, r.store_id, COALESCE(s.salesperson_id, s.cashier_id), -r.refund_total, -t.vat, -t.cost, -t.units, 0
    FROM sale_returns r JOIN sales s ON s.id = r.sale_id
    JOIN (SELECT x.return_id, SUM(x.vat) AS vat, SUM(${PART(LINE_COST)}) AS cost, SUM(x.quantity) AS units
            FROM ${RETURNED} JOIN sale_lines l ON l.id = x.sale_line_id GROUP BY x.return_id) t
      ON t.return_id = r.id WHERE ${when('r.day')})`;
};
const between = (from, to) => (col) => `${col} BETWEEN '${from}' AND '${to}'`;
// The same per line: doc 3 x sale (the sale), 3 x sale + 1 (its void),
// 3 x return + 2 (a return); a document counts once per key.
const LINES = `ev AS (
  SELECT 3 * s.id AS doc, s.day, s.store_id, l.product_id, l.category_id, l.total AS revenue, l.vat,
         ${LINE_COST} AS cost, l.quantity AS units, 1 AS ord
    FROM sales s JOIN sale_lines l ON l.sale_id = s.id
  UNION ALL
  SELECT 3 * s.id + 1, s.day, s.store_id, l.product_id, l.category_id, -l.total, -l.vat, -(${LINE_COST}), -l.quantity, -1
    FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.status = 'voided'
  UNION ALL
  SELECT 3 * r.id + 2, r.day, r.store_id, l.product_id, l.category_id, -${PART('l.total')}, -x.vat,
         -${PART(LINE_COST)}, -x.quantity, 0
    FROM ${RETURNED} JOIN sale_returns r ON r.id = x.return_id JOIN sale_lines l ON l.id = x.sale_line_id)`;
const MEASURES = `SUM(revenue)::BIGINT AS revenue, SUM(orders)::BIGINT AS orders, SUM(units)::BIGINT AS units,
  (SUM(revenue) - SUM(vat) - SUM(cost))::BIGINT AS gross_margin`;
const byDocKey = (key, where) => `SELECT ${key} AS k, SUM(revenue)::BIGINT AS revenue, SUM(ord)::BIGINT AS orders,
    SUM(units)::BIGINT AS units, (SUM(revenue) - SUM(vat) - SUM(cost))::BIGINT AS gross_margin
  FROM (SELECT ${key}, doc, SUM(revenue) AS revenue, SUM(vat) AS vat, SUM(cost) AS cost, SUM(units) AS units,
               MAX(ord) AS ord FROM ev ${where} GROUP BY ${key}, doc) GROUP BY ${key}`;
const TOP = `top(cat, up) AS (SELECT id, id FROM categories WHERE parent_id IS NULL
  UNION ALL SELECT c.id, t.up FROM categories c JOIN top t ON c.parent_id = t.cat)`;

const q = (s) => `'${s}'`;
const duckdb = {
  byDay: (from, to) => rows(`WITH ${DOCS(between(from, to))} SELECT day AS k, ${MEASURES} FROM docs
    GROUP BY day ORDER BY day`),
  byStore: (from, to) => rows(`WITH ${DOCS(between(from, to))} SELECT store_id AS k, ${MEASURES} FROM docs
    GROUP BY store_id`),
  byStaff: (from, to) => rows(`WITH ${DOCS(between(from, to))} SELECT staff AS k, ${MEASURES} FROM docs
    GROUP BY staff`),
  topProducts: (from, to, n) => rows(`WITH ${LINES} SELECT * FROM (${byDocKey('product_id',
    `WHERE day BETWEEN ${q(from)} AND ${q(to)}`)}) ORDER BY revenue DESC, k LIMIT ${n}`),
  byCategory: async (from, to, pfrom, pto) => {
    const sql = (f, t) => `WITH RECURSIVE ${TOP}, ${LINES.replace('ev AS (', 'raw AS (')},
      ev AS (SELECT raw.*, top.up FROM raw JOIN top ON top.cat = raw.category_id)
      ${byDocKey('up', `WHERE day BETWEEN ${q(f)} AND ${q(t)}`)}`;
    return { now: await rows(sql(from, to)), previous: await rows(sql(pfrom, pto)) };
  },
  dashboard: async (today, weekAgo, trendFrom) => ({
    days: await rows(`WITH ${DOCS((c) => `(${c} BETWEEN ${q(trendFrom)} AND ${q(today)} OR ${c} = ${q(weekAgo)})`)}
      SELECT day AS k, ${MEASURES} FROM docs GROUP BY day`),
    top: await rows(`WITH ${LINES} SELECT * FROM (${byDocKey('product_id', `WHERE day = ${q(today)}`)})
      ORDER BY revenue DESC, k LIMIT 10`),
  }),
};

// ---- the periods: the last whole month and quarter of the history ----
const last = (await rows(`SELECT MAX(day) AS d FROM sales`))[0].d;
const ymd = (y, m, d) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
const [ly, lm] = last.split('-').map(Number);
const month = { from: ymd(ly, lm - 2, 1), to: ymd(ly, lm - 1, 0) };
const qStart = Math.floor((lm - 1) / 3) * 3; // this quarter's first month, 0-based
const quarter = { from: ymd(ly, qStart - 3, 1), to: ymd(ly, qStart, 0) };
const lastYear = (d) => { const [y, m, dd] = d.split('-').map(Number); return ymd(y - 1, m - 1, m === 2 && dd === 29 ? 28 : dd); };

// ---- checks: the API's rows against DuckDB's, every figure ----
const units = (u) => Math.round(Number(u) * 1000);
function same(name, api, duckRows, { limitTo } = {}) {
  const want = new Map(duckRows.map((r) => [String(r.k), r]));
  const items = api.filter((i) => i.key !== null && i.key !== 'rounding');
  if (limitTo !== undefined && items.length !== limitTo) throw new Error(`${name}: ${items.length} rows, expected ${limitTo}`);
  if (limitTo === undefined && items.length !== want.size) throw new Error(`${name}: ${items.length} rows from Tersa, ${want.size} from DuckDB`);
  for (const i of items) {
    const d = want.get(String(i.key));
    if (!d) throw new Error(`${name}: key ${i.key} only in Tersa`);
    for (const [f, a, b] of [['revenue', i.revenue, d.revenue], ['orders', i.orders, d.orders],
      ['units', units(i.units), d.units], ['gross_margin', i.gross_margin, d.gross_margin]])
      if (Number(a) !== Number(b)) throw new Error(`${name}: key ${i.key} ${f} ${a} (Tersa) != ${b} (DuckDB)`);
  }
  return items.length;
}

const R = '/api/v1/reports/sales';
const cases = [
  {
    name: 'dashboard (`/dashboard`, every store)',
    api: () => get('/api/v1/dashboard', token),
    duck: async (a) => duckdb.dashboard(a.today.day, a.same_day_last_week.day, a.trend_30d[0].day),
    check(a, d) {
      const days = d.days.map((r) => ({ ...r }));
      same('dashboard today', [{ key: a.today.day, ...a.today }, { key: a.same_day_last_week.day, ...a.same_day_last_week }],
        days.filter((r) => r.k === a.today.day || r.k === a.same_day_last_week.day), { limitTo: 2 });
      const trend = new Map(days.map((r) => [r.k, r]));
      for (const t of a.trend_30d) {
        const want = trend.get(t.day);
        if (Number(t.revenue) !== Number(want ? want.revenue : 0) || Number(t.orders) !== Number(want ? want.orders : 0))
          throw new Error(`dashboard trend ${t.day}: ${t.revenue}/${t.orders} != ${want && want.revenue}/${want && want.orders}`);
      }
      return 2 + a.trend_30d.length + same('dashboard top products', a.top_products, d.top, { limitTo: d.top.length });
    },
  },
  {
    name: `sales by day, ${month.from.slice(0, 7)}`,
    api: () => get(`${R}?group_by=day&from=${month.from}&to=${month.to}`, token),
    duck: () => duckdb.byDay(month.from, month.to),
    check: (a, d) => same('by day', a.items, d),
  },
  {
    name: `sales by store, ${month.from.slice(0, 7)}`,
    api: () => get(`${R}?group_by=store&from=${month.from}&to=${month.to}`, token),
    duck: () => duckdb.byStore(month.from, month.to),
    check: (a, d) => same('by store', a.items, d),
  },
  {
    name: `top 20 products, ${quarter.from} to ${quarter.to}`,
    api: () => get(`${R}?group_by=product&from=${quarter.from}&to=${quarter.to}&sort=revenue&limit=20`, token),
    duck: () => duckdb.topProducts(quarter.from, quarter.to, 20),
    check: (a, d) => same('top products', a.items, d, { limitTo: 20 }),
  },
  {
    name: `sales by staff, ${month.from.slice(0, 7)}`,
    api: () => get(`${R}?group_by=staff&from=${month.from}&to=${month.to}`, token),
    duck: () => duckdb.byStaff(month.from, month.to),
    check: (a, d) => same('by staff', a.items, d),
  },
  {
    name: `by category against last year, ${month.from.slice(0, 7)}`,
    api: () => get(`${R}?group_by=category&from=${month.from}&to=${month.to}&compare=last_year`, token),
    duck: () => duckdb.byCategory(month.from, month.to, lastYear(month.from), lastYear(month.to)),
    check(a, d) {
      const n = same('by category', a.items, d.now);
      const prev = a.items.filter((i) => i.key !== null && i.key !== 'rounding' && i.previous)
        .map((i) => ({ key: i.key, ...i.previous }));
      same('by category, last year', prev, d.previous.filter((r) => prev.some((p) => String(p.key) === String(r.k))));
      return n + prev.length;
    },
  },
];

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
async function time(fn, reps) {
  for (let w = 0; w < 3; w++) await fn();
  const xs = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}

const results = [];
for (const c of cases) {
  const a = await c.api();
  const d = await c.duck(a);
  const checked = c.check(a, d);
  const tersa = await time(c.api, REPS);
  const dk = await time(() => c.duck(a), Math.max(5, Math.floor(REPS / 5)));
  results.push({ name: c.name, checked, tersa, duck: dk });
  console.log(`${c.name.padEnd(44)} Tersa p50 ${tersa.p50.toFixed(2)} ms p99 ${tersa.p99.toFixed(2)} ms | ` +
    `DuckDB p50 ${dk.p50.toFixed(1)} ms p99 ${dk.p99.toFixed(1)} ms | ${(dk.p50 / tersa.p50).toFixed(0)}x, ${checked} rows identical`);
}

const counts = (await rows(`SELECT (SELECT COUNT(*) FROM sales) AS s, (SELECT COUNT(*) FROM sale_lines) AS l,
  (SELECT COUNT(*) FROM sale_returns) AS r`))[0];
const f = (x) => x.toFixed(x < 10 ? 2 : 1);
const md = [
  `# Reports: Tersa's rollups against DuckDB on the raw sales`,
  '',
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0].model}), ` +
  `${Number(counts.s).toLocaleString('en')} sales, ${Number(counts.l).toLocaleString('en')} lines, ` +
  `${Number(counts.r).toLocaleString('en')} returns (the full demo company). ` +
  `Tersa through HTTP, one call at a time, ${REPS} calls each; DuckDB in process on the ` +
  `tables exported once (loaded in ${(loadMs / 1000).toFixed(1)} s). Every figure compared: revenue, orders, units, gross margin.`,
  '',
  '| call | Tersa p50 | Tersa p99 | DuckDB p50 | DuckDB p99 | DuckDB p50 / Tersa p50 | rows identical |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.name} | ${f(r.tersa.p50)} ms | ${f(r.tersa.p99)} ms | ${f(r.duck.p50)} ms | ${f(r.duck.p99)} ms | ${(r.duck.p50 / r.tersa.p50).toFixed(0)}× | ${r.checked} |`),
  '',
];
writeFileSync(process.env.OUT, md.join('\n'));
