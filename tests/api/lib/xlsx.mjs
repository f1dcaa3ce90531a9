// xlsx.mjs: a small XLSX reader and writer for the tests: the zip container
// (central directory, stored or deflated entries) and a tokenizing XML
// parser, enough to read back a workbook's cells with their types and number
// formats, the frozen pane and the column widths, and to write a one-sheet
// workbook with shared strings and numbers.
import { inflateRawSync, deflateRawSync } from 'node:zlib';

// Entries of a zip archive: Map name -> Buffer.
export function unzip(buf) {
  const sig = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
  const eocd = buf.lastIndexOf(sig);
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), elen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const lho = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    const start = lho + 30 + buf.readUInt16LE(lho + 26) + buf.readUInt16LE(lho + 28);
    const data = buf.subarray(start, start + csize);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nlen + elen + clen;
  }
  return out;
}

const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s) => s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENT[e] ?? m));

// XML text -> element tree {name, attrs, children: [element | string]}.
export function parseXml(text) {
  const root = { name: '#root', attrs: {}, children: [] };
  const stack = [root];
  const re = /<\?[^>]*\?>|<!--[\s\S]*?-->|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[5] !== undefined) { stack.at(-1).children.push(unescape(m[5])); continue; }
    if (!m[2]) continue;
    if (m[1]) {
      const el = stack.pop();
      if (el.name !== m[2]) throw new Error(`XML: </${m[2]}> closes <${el.name}>`);
      continue;
    }
    const attrs = {};
    for (const a of m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = unescape(a[2] ?? a[3]);
    const el = { name: m[2], attrs, children: [] };
    stack.at(-1).children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (stack.length !== 1) throw new Error('XML: unclosed elements');
  return root;
}

const local = (n) => n.replace(/^.*:/, '');
export function* walk(el) {
  for (const c of el.children) if (typeof c !== 'string') { yield c; yield* walk(c); }
}
const find = (el, name) => [...walk(el)].filter((c) => local(c.name) === name);
const text = (el) => el.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');

const BUILTIN = { 0: 'General', 1: '0', 2: '0.00', 9: '0%', 10: '0.00%', 14: 'mm-dd-yy', 22: 'm/d/yy h:mm', 49: '@' };

// The first sheet of an XLSX workbook: {cells: Map ref -> {type, value,
// format}, rows: [[value...]], frozen: {xSplit, ySplit} | null, widths:
// Map column index -> width}. type: 'n' number, 's' text, 'b' boolean.
export function readXlsx(buf) {
  const files = unzip(buf);
  const xml = (n) => (files.has(n) ? parseXml(files.get(n).toString('utf8')) : null);
  const wb = xml('xl/workbook.xml');
  const rid = find(wb, 'sheet')[0].attrs['r:id'];
  const rel = find(xml('xl/_rels/workbook.xml.rels'), 'Relationship').find((r) => r.attrs.Id === rid);
  const target = rel.attrs.Target.startsWith('/') ? rel.attrs.Target.slice(1) : `xl/${rel.attrs.Target}`;
  const sst = xml('xl/sharedStrings.xml');
  const strings = sst ? find(sst, 'si').map((si) => find(si, 't').map(text).join('')) : [];
  const styles = xml('xl/styles.xml');
  const fmts = { ...BUILTIN };
  for (const f of find(styles, 'numFmt')) fmts[f.attrs.numFmtId] = f.attrs.formatCode;
  const xfs = find(find(styles, 'cellXfs')[0], 'xf').map((x) => fmts[x.attrs.numFmtId ?? 0] ?? `#${x.attrs.numFmtId}`);
  const sheet = xml(target);
  const cells = new Map();
  const rows = [];
  for (const c of find(sheet, 'c')) {
    const ref = c.attrs.r;
    const t = c.attrs.t ?? 'n';
    const v = find(c, 'v')[0];
    let type, value;
    if (t === 's') { type = 's'; value = strings[Number(text(v))]; }
    else if (t === 'inlineStr') { type = 's'; value = find(c, 't').map(text).join(''); }
    else if (t === 'str') { type = 's'; value = v ? text(v) : ''; }
    else if (t === 'b') { type = 'b'; value = text(v) === '1'; }
    else { if (!v) continue; type = 'n'; value = Number(text(v)); }
    const format = xfs[Number(c.attrs.s ?? 0)];
    cells.set(ref, { type, value, format });
    const [, col, row] = ref.match(/^([A-Z]+)(\d+)$/);
    const ci = [...col].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    (rows[Number(row) - 1] ??= [])[ci] = value;
  }
  const pane = find(sheet, 'pane')[0];
  const frozen = pane && /frozen/.test(pane.attrs.state ?? '')
    ? { xSplit: Number(pane.attrs.xSplit ?? 0), ySplit: Number(pane.attrs.ySplit ?? 0) } : null;
  const widths = new Map();
  for (const col of find(sheet, 'col'))
    for (let i = Number(col.attrs.min); i <= Number(col.attrs.max); i++) widths.set(i - 1, Number(col.attrs.width));
  return { cells, rows, frozen, widths };
}

// ---- writing

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(b) {
  let c = -1;
  for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// A zip archive of entries [[name, Buffer|string]...], deflated.
export function zip(entries) {
  const locals = [], central = [];
  let off = 0;
  for (const [name, content] of entries) {
    const raw = Buffer.from(content);
    const data = deflateRawSync(raw);
    const n = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(8, 8);
    h.writeUInt32LE(crc32(raw), 14); h.writeUInt32LE(data.length, 18); h.writeUInt32LE(raw.length, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc32(raw), 16); c.writeUInt32LE(data.length, 20); c.writeUInt32LE(raw.length, 24);
    c.writeUInt16LE(n.length, 28); c.writeUInt32LE(off, 42);
    locals.push(h, n, data);
    central.push(c, n);
    off += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colName = (i) => (i >= 26 ? colName(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));

// A one-sheet workbook (sheet named `name`) of rows: strings become shared
// strings, numbers number cells, null/undefined an absent cell.
export function writeXlsx(rows, name = 'Sheet1') {
  const strings = [], index = new Map();
  const si = (s) => { if (!index.has(s)) { index.set(s, strings.length); strings.push(s); } return index.get(s); };
  const body = rows.map((r, ri) => `<row r="${ri + 1}">${r.map((v, ci) => {
    if (v === null || v === undefined) return '';
    const ref = `${colName(ci)}${ri + 1}`;
    return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${si(String(v))}</v></c>`;
  }).join('')}</row>`).join('');
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  return zip([
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
    ['xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} ${rns}><sheets><sheet name="${esc(name)}" sheetId="1" r:id="rId7"/></sheets></workbook>`],
    ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'],
    ['xl/worksheets/data.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}><sheetData>${body}</sheetData></worksheet>`],
    ['xl/sharedStrings.xml', `<?xml version="1.0" encoding="UTF-8"?><sst ${ns} count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('')}</sst>`],
  ]);
}
