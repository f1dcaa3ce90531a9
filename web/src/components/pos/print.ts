// The one print area of the till: a receipt or a Z-report at 58 or 80 mm,
// printed through the browser's dialog with an @page sized to the paper.
import { nextTick, reactive } from 'vue'
import type { Schemas } from '@/api/client'
import type { PaperWidth, Receipt } from '@/pos/receipt'

export const printState = reactive<{
  kind: 'receipt' | 'z' | null
  width: PaperWidth
  receipt: Receipt | null
  z: Schemas['ZReport'] | null
}>({ kind: null, width: 80, receipt: null, z: null })

const WIDTH_KEY = 'tersa.pos.paper'

/** The paper width the till last printed on (80 mm unless chosen). */
export function paperWidth(): PaperWidth {
  return localStorage.getItem(WIDTH_KEY) === '58' ? 58 : 80
}

/** Renders the document into the print area and opens the print dialog. */
export async function printDoc(doc: { receipt?: Receipt; z?: Schemas['ZReport'] }, width: PaperWidth = paperWidth()) {
  localStorage.setItem(WIDTH_KEY, String(width))
  printState.kind = doc.receipt ? 'receipt' : 'z'
  printState.receipt = doc.receipt ?? null
  printState.z = doc.z ?? null
  printState.width = width
  const page = document.createElement('style')
  page.textContent = `@page { size: ${width}mm auto; margin: 0 }`
  document.head.appendChild(page)
  await nextTick()
  try {
    window.print()
  } finally {
    page.remove()
  }
}
