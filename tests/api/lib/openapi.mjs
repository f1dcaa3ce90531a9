// openapi.mjs: checks API answers against src/http/openapi.json. api() in
// server.mjs calls checkAnswer() on every answer, so a field the document
// promises and the server leaves out (or sends with another type) fails the
// test that received it. Needs tests/api/node_modules (scripts/deps.sh).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let Ajv2020, addFormats;
try {
	Ajv2020 = (await import('ajv/dist/2020.js')).default;
	addFormats = (await import('ajv-formats')).default;
} catch (e) {
	throw new Error(`tests/api needs its npm packages (ajv): run scripts/deps.sh or \`npm ci\` in tests/api (${e.message})`);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DOC_KEY = 'openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
// Answers whose bodies are not JSON documents: exports, the event stream,
// metrics and the web app. Their status is still checked.
const SKIPPED_TYPES = /^(text\/csv|text\/event-stream|text\/plain|text\/html|application\/vnd\.openxmlformats|application\/octet-stream)/;

/** The OpenAPI document, parsed once. */
export const doc = JSON.parse(readFileSync(path.join(ROOT, 'src/http/openapi.json'), 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv, ['date', 'date-time', 'email']);
// int64 is a width hint for generators; JSON integers are checked by type.
for (const f of ['int64', 'int32', 'binary']) ajv.addFormat(f, true);
ajv.addSchema(doc, DOC_KEY);

const escPointer = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

// Every operation's path template as a regular expression; a template with
// more literal segments wins (/sales/preview before /sales/{id}).
const templates = Object.keys(doc.paths)
	.map((t) => {
		const segs = t.split('/');
		const re = new RegExp('^' + segs.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '$');
		return { template: t, re, literals: segs.filter((s) => !s.startsWith('{')).length };
	})
	.sort((a, b) => b.literals - a.literals);

/**
 * The operation for `method` and a request path (query string allowed):
 * {template, method, op} or null when the document has no such operation.
 */
export function findOperation(method, requestPath) {
	const m = method.toLowerCase();
	const p = requestPath.split('?')[0].split('#')[0];
	for (const t of templates) {
		if (t.re.test(p) && doc.paths[t.template][m]) return { template: t.template, method: m, op: doc.paths[t.template][m] };
	}
	return null;
}

function deref(obj, where) {
	let ptr = where;
	let x = obj;
	while (x && typeof x.$ref === 'string') {
		ptr = x.$ref;
		x = resolvePointer(x.$ref);
	}
	return { value: x, pointer: ptr };
}

function resolvePointer(ref) {
	let x = doc;
	for (const seg of ref.replace(/^#\/?/, '').split('/')) {
		if (seg === '') continue;
		x = x?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
	}
	return x;
}

/**
 * The documented response of `found` (findOperation) for `status`: the exact
 * code, then `4XX`-style, then `default`; $ref to components/responses
 * followed. Returns {response, pointer} or null.
 */
export function findResponse(found, status) {
	const rs = found.op.responses ?? {};
	const base = `#/paths/${escPointer(found.template)}/${found.method}/responses/`;
	for (const code of [String(status), `${String(status)[0]}XX`, 'default']) {
		if (rs[code]) {
			const { value, pointer } = deref(rs[code], base + escPointer(code));
			return { response: value, pointer };
		}
	}
	return null;
}

const compiled = new Map();
function validatorAt(pointer) {
	let v = compiled.get(pointer);
	if (!v) {
		const frag = pointer.replace(/^#/, '').split('/').map((s) => encodeURIComponent(s)).join('/');
		v = ajv.getSchema(`${DOC_KEY}#${frag}`);
		if (!v) throw new Error(`openapi: no schema at ${pointer}`);
		compiled.set(pointer, v);
	}
	return v;
}

function valueAt(body, instancePath) {
	let x = body;
	for (const seg of instancePath.split('/').slice(1)) x = x?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
	return x;
}

function show(v, max = 240) {
	const s = v === undefined ? 'undefined' : JSON.stringify(v);
	return s.length > max ? s.slice(0, max) + '…' : s;
}

/** Validates `body` against the schema at `pointer`; returns the problems as text lines (empty when it matches). */
export function validateAt(pointer, body) {
	const v = validatorAt(pointer);
	if (v(body)) return [];
	return (v.errors ?? []).slice(0, 8).map((e) => {
		const extra = e.keyword === 'enum' ? ` ${show(e.params.allowedValues)}` : e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : '';
		return `${e.instancePath || '/'} ${e.message}${extra} (schema ${e.schemaPath}); value: ${show(valueAt(body, e.instancePath))}`;
	});
}

const PROBLEM = '#/components/schemas/Problem';

/**
 * Checks one answer: {method, path (as requested), status, contentType,
 * text, body (parsed JSON or text)}. Returns null when it agrees with the
 * document, else a message naming the operation, the status, the JSON
 * pointer and the offending value. Paths the document does not describe are
 * only checked when they answer a problem.
 */
export function checkAnswer({ method, path: reqPath, status, contentType, text, body }) {
	if (method.toUpperCase() === 'HEAD' || method.toUpperCase() === 'OPTIONS') return null;
	const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const isJson = /(^|\/|\+)json$/.test(ct);
	const found = findOperation(method, reqPath);
	const where = found ? `${found.method.toUpperCase()} ${found.template} (${found.op.operationId})` : `${method.toUpperCase()} ${reqPath}`;
	const fail = (msg) => `openapi: ${where} answered ${status}: ${msg}`;
	if (isJson && text !== '' && typeof body === 'string') return fail(`${ct} body is not JSON: ${show(text)}`);

	if (!found) {
		if (ct === 'application/problem+json' && text !== '') {
			const errs = validateAt(PROBLEM, body);
			return errs.length ? fail(`problem does not match ${PROBLEM}:\n  ${errs.join('\n  ')}`) : null;
		}
		return null;
	}
	const res = findResponse(found, status);
	if (!res) return fail(`status ${status} is not documented (documented: ${Object.keys(found.op.responses ?? {}).join(', ')})`);
	const content = res.response?.content ?? {};
	if (SKIPPED_TYPES.test(ct)) {
		return content[ct] || Object.keys(content).some((t) => t.startsWith(ct)) ? null : fail(`${ct} is not documented for this status`);
	}
	if (text === '') {
		const types = Object.keys(content).filter((t) => !SKIPPED_TYPES.test(t));
		return types.length ? fail(`empty body where the document promises ${types.join(', ')}`) : null;
	}
	if (!isJson) return fail(`unexpected content type ${show(ct)}`);
	let schemaPtr;
	if (content[ct]?.schema) {
		schemaPtr = `${res.pointer}/content/${escPointer(ct)}/schema`;
	} else if (ct === 'application/problem+json') {
		schemaPtr = PROBLEM; // a problem where the document names another media type
	} else {
		return fail(`${ct} is not documented for this status (documented: ${Object.keys(content).join(', ') || 'no body'})`);
	}
	if (reportDir) observe({ $ref: schemaPtr }, schemaPtr, body);
	const errs = validateAt(schemaPtr, body);
	return errs.length ? fail(`body does not match ${schemaPtr}:\n  ${errs.join('\n  ')}`) : null;
}

// TERSA_OPENAPI_REPORT=<dir>: for every object schema the answers of this
// process went through, how many instances were seen, how often each
// documented property was present, and which undocumented ones were sent;
// written to <dir>/<pid>.json at exit. Shows fields that are always sent but
// not yet `required`, and fields the document does not know.
const reportDir = process.env.TERSA_OPENAPI_REPORT;
const seen = new Map();
function observe(schema, where, value) {
	const r = deref(schema, where);
	const s = r.value;
	if (!s || typeof s !== 'object' || value === null || typeof value !== 'object') return;
	for (const [i, sub] of (s.allOf ?? []).entries()) observe(sub, `${r.pointer}/allOf/${i}`, value);
	if (Array.isArray(value)) {
		if (s.items) value.forEach((v) => observe(s.items, `${r.pointer}/items`, v));
		return;
	}
	if (s.properties) {
		let st = seen.get(r.pointer);
		if (!st) seen.set(r.pointer, (st = { n: 0, props: {}, extra: {}, required: s.required ?? [] }));
		st.n += 1;
		for (const k of Object.keys(s.properties)) if (k in value) st.props[k] = (st.props[k] ?? 0) + 1;
		for (const k of Object.keys(value)) if (!(k in s.properties) && !(s.allOf)) st.extra[k] = (st.extra[k] ?? 0) + 1;
		for (const [k, sub] of Object.entries(s.properties)) if (k in value) observe(sub, `${r.pointer}/properties/${escPointer(k)}`, value[k]);
	}
	if (s.additionalProperties && typeof s.additionalProperties === 'object') {
		for (const [k, v] of Object.entries(value)) if (!(s.properties && k in s.properties)) observe(s.additionalProperties, `${r.pointer}/additionalProperties`, v);
	}
}
if (reportDir) {
	const { writeFileSync, mkdirSync } = await import('node:fs');
	process.on('exit', () => {
		mkdirSync(reportDir, { recursive: true });
		writeFileSync(path.join(reportDir, `${process.pid}.json`), JSON.stringify(Object.fromEntries(seen)));
	});
}
