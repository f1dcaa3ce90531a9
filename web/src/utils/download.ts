// Files from the API (CSV and XLSX exports, a customer's data export): the
// session cookie goes along, the answer is saved under the server's name.
import { ApiError, NetworkError } from '@/api/client'

/** Query values: empty ones are left out, arrays repeat the key. */
export type Query = Record<string, string | number | boolean | null | undefined | (string | number)[]>

export function queryString(q: Query): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === null || v === undefined || v === '') continue
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)))
    else p.append(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** The file name in a Content-Disposition header, or null. */
export function dispositionName(h: string | null): string | null {
  if (!h) return null
  const star = /filename\*=UTF-8''([^;]+)/i.exec(h)
  if (star) return decodeURIComponent(star[1])
  const plain = /filename="?([^";]+)"?/i.exec(h)
  return plain ? plain[1] : null
}

/**
 * GETs `path` (e.g. `/api/v1/reports/sales`) with `query` and saves the
 * answer; throws ApiError / NetworkError like `call`. Returns the name used.
 */
export async function download(path: string, query: Query, fallbackName: string): Promise<string> {
  let r: Response
  try {
    r = await fetch(path + queryString(query), { credentials: 'same-origin' })
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e))
  }
  if (!r.ok) {
    let body: object = {}
    try {
      body = await r.json()
    } catch {
      /* not JSON */
    }
    throw new ApiError(r.status, body)
  }
  const name = dispositionName(r.headers.get('Content-Disposition')) ?? fallbackName
  const url = URL.createObjectURL(await r.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}
