// Erasure on SQLite: after POST /customers/{id}/erase and a VACUUM, the
// person's phone, name and e-mail appear nowhere in the database file (nor
// in its write-ahead log): not in the profile, its indexes, contacts, the
// outbox or the audit log.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startServer, uniq, ENGINE } from '../lib/server.mjs';

function fileBytes(db) {
  const parts = [readFileSync(db)];
  for (const sfx of ['-wal', '-journal']) if (existsSync(db + sfx)) parts.push(readFileSync(db + sfx));
  return Buffer.concat(parts);
}

describe('customer erasure leaves no trace in the database file', { skip: ENGINE !== 'sqlite' && 'SQLite file test' }, () => {
  it('finds the phone, name and e-mail before, and nowhere after erase + VACUUM', async () => {
    const tag = uniq();
    const name = `甄嬛${tag}`;
    const phone = `137${String(Number.parseInt(tag.slice(-6), 36) % 100000000).padStart(8, '0')}`;
    const email = `zhen.${tag}@example.cn`;
    let srv = await startServer();
    const db = srv.db;
    try {
      const c = await srv.api('POST', '/api/v1/customers', {
        token: srv.adminToken,
        body: { name, phone, email, birthday: '1988-08-08', city: '北京', tags: [`t${tag}`], preferences: { note: name } },
      });
      assert.equal(c.status, 201, c.text);
      const id = c.body.id;
      assert.equal((await srv.api('PATCH', `/api/v1/customers/${id}`, { token: srv.adminToken, body: { city: '上海', consent_sms: true } })).status, 200);
      assert.equal((await srv.api('GET', `/api/v1/customers/${id}`, { token: srv.adminToken })).status, 200);
      assert.equal((await srv.api('GET', `/api/v1/customers?q=${encodeURIComponent(name)}`, { token: srv.adminToken })).status, 200);
      await srv.stop({ keepDb: true });

      // What other parts of the system write about the person: a contact
      // note, a queued message, an audit summary holding the phone.
      const now = Date.now();
      execFileSync('sqlite3', [db,
        `INSERT INTO customer_contacts (customer_id, at, channel, direction, summary, outcome, next_step)
           VALUES (${id}, ${now}, 'phone', 'out', '给${name}打电话 ${phone}', '${name} 想要', '再联系 ${email}');
         INSERT INTO outbox (customer_id, channel, recipient, body, status, source, created_at)
           VALUES (${id}, 'sms', '${phone}', '${name} 生日快乐', 'queued', 'care', ${now});
         INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, after_json)
           VALUES (${now}, 1, 'admin', 'create', 'customer_contact', 1, '{"summary":"call ${phone}"}');`]);
      assert.ok(fileBytes(db).includes(Buffer.from(phone)), 'the phone is in the file before erasure');
      assert.ok(fileBytes(db).includes(Buffer.from(name, 'utf8')), 'the name is in the file before erasure');

      srv = await startServer({ db });
      const r = await srv.api('POST', `/api/v1/customers/${id}/erase`, { token: srv.adminToken });
      assert.equal(r.status, 204, r.text);
      assert.equal((await srv.api('GET', `/api/v1/customers/${id}`, { token: srv.adminToken })).status, 404);
      await srv.stop({ keepDb: true });

      execFileSync('sqlite3', [db, 'VACUUM;']);
      const bytes = fileBytes(db);
      for (const [what, v] of [['phone', phone], ['name', name], ['email', email], ['last four + tag', `t${tag}`]]) {
        assert.equal(bytes.indexOf(Buffer.from(v, 'utf8')), -1, `${what} ${v} still in the database file`);
      }
      // The anonymised row and its sales stay.
      const left = execFileSync('sqlite3', [db, `SELECT name, erased_at IS NOT NULL FROM customers WHERE id = ${id}`], { encoding: 'utf8' }).trim();
      assert.equal(left, '已注销|1');
    } finally {
      await srv.stop().catch(() => {});
      rmSync(path.dirname(db), { recursive: true, force: true });
    }
  });
});
