// Personal recommendations (GET /customers/{id}/recommendations) on the
// demo company: the item-to-item scores recomputed here from the sales in
// the database (cosine similarity of the products' buyers over 365 days,
// summed over the customer's products), the 30-day and inactive-product
// exclusions, a customer without purchases, bad parameters, the store
// scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const DAY = 86400000;

describe('personal recommendations', () => {
  let srv, admin, stores;
  const api = (m, p, body, token = admin) => srv.api(m, `/api/v1/${p}`, { token, body });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  function sql(text) {
    if (srv.engine === 'sqlite') {
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    }
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }
  const rowsOf = (text) => sql(text).split('\n').filter(Boolean).map((l) => l.split('|').map(Number));

  // The recommendations by the rule of docs/analytics.md, from the database.
  function recompute(customer, now) {
    const since = now - 365 * DAY, recent = now - 30 * DAY;
    const rows = rowsOf(`SELECT s.customer_id, l.product_id, MAX(s.at) FROM sales s JOIN sale_lines l ON l.sale_id = s.id
      WHERE s.status <> 'voided' AND s.customer_id IS NOT NULL AND s.at > ${since} GROUP BY s.customer_id, l.product_id`);
    const inactive = new Set(rowsOf('SELECT id FROM products WHERE active = 0').map((r) => r[0]));
    const byCust = new Map(), buyers = new Map();
    for (const [c, p] of rows) {
      if (!byCust.has(c)) byCust.set(c, new Set());
      byCust.get(c).add(p);
      buyers.set(p, (buyers.get(p) ?? 0) + 1);
    }
    const basket = [...(byCust.get(customer) ?? [])];
    const excluded = new Set(rows.filter(([c, , at]) => c === customer && at > recent).map((r) => r[1]));
    const co = new Map(); // "b:p" -> customers who bought both
    for (const ps of byCust.values()) {
      const mine = basket.filter((b) => ps.has(b));
      for (const b of mine) for (const p of ps) co.set(`${b}:${p}`, (co.get(`${b}:${p}`) ?? 0) + 1);
    }
    const scores = new Map();
    for (const p of buyers.keys()) {
      if (excluded.has(p) || inactive.has(p)) continue;
      let score = 0;
      const from = [];
      for (const b of basket) {
        if (b === p) continue;
        const n = co.get(`${b}:${p}`) ?? 0;
        if (!n) continue;
        const sim = n / Math.sqrt(buyers.get(b) * buyers.get(p));
        score += sim;
        from.push({ product_id: b, sim });
      }
      if (score > 0) scores.set(p, { score, from: from.sort((x, y) => y.sim - x.sim || x.product_id - y.product_id) });
    }
    const ranked = [...scores.entries()].map(([p, v]) => ({ product_id: p, ...v })).sort((x, y) => y.score - x.score || x.product_id - y.product_id);
    return { basket, excluded, ranked, scores };
  }

  function check(body, want, limit) {
    assert.equal(body.basket_products, want.basket.length);
    assert.equal(body.items.length, Math.min(limit, want.ranked.length));
    for (const [i, item] of body.items.entries()) {
      const w = want.scores.get(item.product_id);
      assert.ok(w, `product ${item.product_id} should not be recommended`);
      assert.ok(Math.abs(item.score - w.score) < 1e-4, `score of ${item.product_id}: ${item.score} vs ${w.score}`);
      // nothing better was left out, and the order is by score
      assert.ok(Math.abs(item.score - want.ranked[i].score) < 1e-4, `rank ${i}: ${item.score} vs ${want.ranked[i].score}`);
      assert.ok(!want.excluded.has(item.product_id));
      assert.ok(item.from.length >= 1 && item.from.length <= 3);
      assert.ok(Math.abs(item.from[0].similarity - w.from[0].sim) < 1e-4);
      for (const f of item.from) assert.ok(want.basket.includes(f.product_id), `source ${f.product_id} is the customer's`);
      assert.equal(typeof item.name, 'string');
      assert.equal(typeof item.price, 'number');
    }
  }

  // A customer with many purchases.
  const busiest = () => rowsOf(`SELECT customer_id, COUNT(*) FROM sales WHERE customer_id IS NOT NULL AND status <> 'voided'
      GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT 3`).map((r) => r[0]);

  before(async () => {
    srv = await startServer({ args: ['--demo=small'] });
    admin = srv.adminToken;
    stores = (await ok(await api('GET', 'stores'))).items;
  });
  after(async () => { await srv?.stop(); });

  it('recommends by the cosine similarity of the products\' buyers, without what was bought in 30 days', async () => {
    for (const id of busiest()) {
      const body = await ok(await api('GET', `customers/${id}/recommendations?limit=20`));
      assert.equal(body.customer_id, id);
      assert.equal(body.window_days, 365);
      assert.equal(body.recent_days, 30);
      assert.ok(body.items.length > 0);
      check(body, recompute(id, Date.now()), 20);
    }
    const d = await ok(await api('GET', `customers/${busiest()[0]}/recommendations`));
    assert.ok(d.items.length <= 10);
  });

  it('suggests again what was bought more than 30 days ago, never an inactive product', async () => {
    const id = busiest()[1];
    // one of the customer's sales moved 40 days back: its products bought only then come back
    // (put back at the end: the day rollups, which the server's database check
    // compares with the sales, are not moved)
    // (a sale with a product the customer bought in no other sale)
    const [sale, oldAt] = rowsOf(`SELECT s.id, s.at FROM sales s JOIN sale_lines l ON l.sale_id = s.id
      WHERE s.customer_id = ${id} AND s.status <> 'voided' AND NOT EXISTS (SELECT 1 FROM sales s2
      JOIN sale_lines l2 ON l2.sale_id = s2.id WHERE s2.customer_id = ${id} AND s2.status <> 'voided'
      AND s2.id <> s.id AND l2.product_id = l.product_id) ORDER BY s.id LIMIT 1`)[0];
    const oldDay = sql(`SELECT day FROM sales WHERE id = ${sale}`);
    const at = Date.now() - 40 * DAY;
    const day = new Date(at).toISOString().slice(0, 10);
    sql(`UPDATE sales SET at = ${at}, day = '${day}' WHERE id = ${sale}`);
    try {
      const want = recompute(id, Date.now());
      const older = want.basket.filter((p) => !want.excluded.has(p));
      assert.ok(older.length > 0, 'products bought only 40 days ago');
      const body = await ok(await api('GET', `customers/${id}/recommendations?limit=50`));
      check(body, want, 50);
      if (older.some((p) => want.scores.has(p))) assert.ok(body.items.some((i) => older.includes(i.product_id)));
      // the best suggestion made inactive disappears
      const top = body.items[0].product_id;
      await ok(await api('PATCH', `products/${top}`, { active: false }));
      const after2 = await ok(await api('GET', `customers/${id}/recommendations?limit=50`));
      assert.ok(!after2.items.some((i) => i.product_id === top));
      check(after2, recompute(id, Date.now()), 50);
    } finally {
      sql(`UPDATE sales SET at = ${oldAt}, day = '${oldDay}' WHERE id = ${sale}`);
    }
  });

  it('answers nothing for a customer who never bought, 404 for another store\'s customer, 422 for a bad limit', async () => {
    const c = await ok(await api('POST', 'customers', { name: '新顾客', home_store_id: stores[0].id }), 201);
    const body = await ok(await api('GET', `customers/${c.id}/recommendations`));
    assert.equal(body.basket_products, 0);
    assert.deepEqual(body.items, []);
    const m2 = await makeUser(srv, 'store_manager', [stores[1].id]);
    const linked = new Set(rowsOf(`SELECT customer_id FROM customer_stores WHERE store_id = ${stores[1].id}`).map((r) => r[0]));
    assertProblem(await api('GET', `customers/${c.id}/recommendations`, undefined, m2.token), 404, 'not-found');
    const theirs = busiest().find((id) => linked.has(id));
    if (theirs) await ok(await api('GET', `customers/${theirs}/recommendations`, undefined, m2.token));
    assertProblem(await api('GET', 'customers/99999999/recommendations'), 404, 'not-found');
    for (const l of ['0', '51', 'abc', '-1']) assertProblem(await api('GET', `customers/${c.id}/recommendations?limit=${l}`), 422, 'validation', ['limit']);
    assert.equal((await srv.api('GET', `/api/v1/customers/${c.id}/recommendations`)).status, 401);
  });
});
