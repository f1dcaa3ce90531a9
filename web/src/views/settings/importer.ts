// The import wizard's rules, apart from the screen: the fields each kind
// takes (as src/domain/exchange/import.c names them), the ?columns= query
// from the chosen matches, and which required fields are still unmatched.

export type ImportKind = 'customers' | 'products' | 'stock' | 'suppliers'
export const IMPORT_KINDS: ImportKind[] = ['customers', 'products', 'suppliers', 'stock']

export interface ImportFieldDef {
  name: string
  required: boolean
}

/** The fields of each kind in the server's order; `required` as the server checks it. */
export const IMPORT_FIELDS: Record<ImportKind, ImportFieldDef[]> = {
  customers: ['name*', 'phone', 'birthday', 'gender', 'email', 'member_code', 'tags', 'home_store', 'city'].map(def),
  products: ['sku*', 'name*', 'barcode', 'price*', 'cost', 'category', 'brand', 'unit', 'vat'].map(def),
  stock: ['store*', 'sku', 'barcode', 'quantity*', 'unit_cost'].map(def),
  suppliers: ['code*', 'name*', 'contact', 'phone', 'email', 'payment_terms', 'lead_time_days'].map(def),
}
function def(s: string): ImportFieldDef {
  return s.endsWith('*') ? { name: s.slice(0, -1), required: true } : { name: s, required: false }
}

/** The permission a kind needs (perms.def): opening stock also for store managers. */
export function importPerm(kind: ImportKind): string {
  return kind === 'stock' ? 'STOCK_IMPORT' : 'IMPORTS_WRITE'
}

/** One column of the file and the field it goes into (null: not imported). */
export interface ColumnMatch {
  column: string
  field: string | null
}

/** The ?columns= value: the field of each column in order, "" for a skipped one. */
export function columnsQuery(matches: ColumnMatch[]): string {
  return matches.map((m) => m.field ?? '').join(',')
}

/** The required fields no column goes into (stock: sku or barcode is needed too). */
export function missingFields(kind: ImportKind, matches: ColumnMatch[]): string[] {
  const used = new Set(matches.map((m) => m.field).filter(Boolean))
  const out = IMPORT_FIELDS[kind].filter((f) => f.required && !used.has(f.name)).map((f) => f.name)
  if (kind === 'stock' && !used.has('sku') && !used.has('barcode')) out.push('sku')
  return out
}

/** The fields used by more than one column (the server refuses them). */
export function duplicateFields(matches: ColumnMatch[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const m of matches) if (m.field) (seen.has(m.field) ? dup : seen).add(m.field)
  return [...dup]
}

/** The file's content type for the request: XLSX by name or by its zip signature, else CSV. */
export function fileType(name: string, head: Uint8Array): string {
  const zip = head.length >= 2 && head[0] === 0x50 && head[1] === 0x4b
  return zip || /\.xlsx$/i.test(name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv'
}

/** The server's import messages this screen says in the UI language: [pattern, key, names of the captures]. */
const IMPORT_MESSAGES: [RegExp, string, string[]?][] = [
  [/^the column is missing$/, 'missingColumn'],
  [/^duplicates line (\d+)/, 'duplicates', ['line']],
  [/^must be a mainland mobile number/, 'mobile'],
  [/^is not an amount in yuan/, 'amount'],
  [/^is not a rate/, 'rate'],
  [/^must be a number above 0 with at most 3 decimals$/, 'quantity'],
  [/^no product with this (\S+)$/, 'noProduct', ['what']],
  [/^no store with code (\S+) among yours$/, 'noStore', ['code']],
]

/**
 * A bad row's message in the UI language: a known import message as the key
 * `settings.import.messages.<key>` with its values, else `fallback` (the
 * shared field messages, or the server's words).
 */
export function importMessage(message: string, t: (key: string, named: Record<string, unknown>) => string, fallback: (m: string) => string): string {
  for (const [re, key, names] of IMPORT_MESSAGES) {
    const m = re.exec(message)
    if (m) return t(`settings.import.messages.${key}`, Object.fromEntries((names ?? []).map((n, i) => [n, m[i + 1]])))
  }
  return fallback(message)
}
