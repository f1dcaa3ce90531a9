// An audit row's before and after as a list of fields: what each field was,
// what it became, and whether it changed. Pure, for the audit drawer.

export interface AuditDiffRow {
  field: string
  before: unknown
  after: unknown
  changed: boolean
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * The fields of `before` and `after` in the order they first appear (before's
 * first). A side that is not an object (null, a number) is shown as one
 * field named "value".
 */
export function auditDiff(e: { before?: unknown; after?: unknown }): AuditDiffRow[] {
  const b = e.before ?? null
  const a = e.after ?? null
  if (b === null && a === null) return []
  if ((b !== null && !isObject(b)) || (a !== null && !isObject(a))) {
    return [{ field: 'value', before: b, after: a, changed: JSON.stringify(b) !== JSON.stringify(a) }]
  }
  const bo = (b ?? {}) as Record<string, unknown>
  const ao = (a ?? {}) as Record<string, unknown>
  const keys = [...new Set([...Object.keys(bo), ...Object.keys(ao)])]
  return keys.map((k) => {
    const bv = k in bo ? bo[k] : undefined
    const av = k in ao ? ao[k] : undefined
    return { field: k, before: bv, after: av, changed: JSON.stringify(bv) !== JSON.stringify(av) }
  })
}

/** A value as text: "—" for nothing, strings as they are, the rest as JSON. */
export function auditValue(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—'
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}
