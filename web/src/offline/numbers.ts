// Local receipt numbers for sales made while the server cannot be reached:
// OFF-<register>-<YYYYMMDD>-<NNN>, counted per register and day in IndexedDB
// (one transaction per number, so two tabs never hand out the same one).
import { db } from './db'

function ymd(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}`
}

/** The next local number of the register for the (local) day of `at`: 001, 002, … */
export async function nextLocalNumber(register: string, at: Date = new Date()): Promise<string> {
  const reg = register.trim() || '1'
  const day = ymd(at)
  const key = `${reg}:${day}`
  const d = await db()
  const tx = d.transaction('counters', 'readwrite')
  const n = ((await tx.store.get(key)) ?? 0) + 1
  await tx.store.put(n, key)
  await tx.done
  return `OFF-${reg}-${day}-${String(n).padStart(3, '0')}`
}
