// The barcode scanner as one global key buffer: a scanner "types" its code
// in quick keys ending in Enter. Read on window, never from the focused field.

export interface ScannerOptions {
  /** Called once per scan with the code (no Enter). */
  onScan: (code: string) => void
  /** Longest pause between two keys of one scan, in ms (default 50). */
  maxGap?: number
  /** Fewest characters a scan has (default 4: shorter bursts are typing). */
  minLength?: number
  /** Where keys are read (default window). */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>
  /** Clock in ms (default Date.now; fake timers drive it in tests). */
  now?: () => number
}

export interface Scanner {
  /** Stops listening and forgets a half-read code. */
  stop(): void
}

type Editable = HTMLInputElement | HTMLTextAreaElement

function editable(el: Element | null): Editable | null {
  if (!el) return null
  const tag = el.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' ? (el as Editable) : null
}

/**
 * Listens for scans. Keys less than maxGap ms apart that end in Enter form a
 * scan; the characters the scanner typed into a focused input are taken out
 * of it again (its value is put back as it was before the first key, with an
 * `input` event so v-model follows), and the Enter never reaches the field,
 * so a scan adds its line exactly once whatever has focus. Slower typing and
 * its Enter are left alone.
 */
export function createScanner(opts: ScannerOptions): Scanner {
  const maxGap = opts.maxGap ?? 50
  const minLength = opts.minLength ?? 4
  const now = opts.now ?? (() => Date.now())
  const target = opts.target ?? window
  let buf = ''
  let last = -Infinity
  let field: Editable | null = null
  let before = ''
  let selection: [number | null, number | null] = [null, null]

  function reset() {
    buf = ''
    field = null
  }

  function onKey(ev: Event) {
    const e = ev as KeyboardEvent
    const t = now()
    const gap = t - last
    last = t
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) {
      reset()
      return
    }
    if (e.key === 'Enter') {
      const code = buf
      const f = field
      reset()
      if (code.length < minLength || gap > maxGap) return
      e.preventDefault()
      e.stopImmediatePropagation()
      if (f) {
        const sel = selection
        const was = before
        restore(f, was, sel)
        // Again after the page has caught up: a framework that had not yet
        // re-rendered the field may have put the typed value back.
        setTimeout(() => restore(f, was, sel), 0)
      }
      opts.onScan(code)
      return
    }
    if (e.key.length !== 1) {
      if (e.key !== 'Shift') reset()
      return
    }
    if (gap > maxGap || !buf) {
      // The first key of what may be a scan: remember the field as it was.
      buf = ''
      field = editable(document.activeElement)
      before = field?.value ?? ''
      selection = field ? [safeSel(field, 'start'), safeSel(field, 'end')] : [null, null]
    }
    buf += e.key
  }

  target.addEventListener('keydown', onKey, true)
  return {
    stop() {
      target.removeEventListener('keydown', onKey, true)
      reset()
    },
  }
}

/** Puts a field back to `value` (and its caret), telling v-model with an input event. */
function restore(f: Editable, value: string, sel: [number | null, number | null]) {
  if (f.value === value) return
  f.value = value
  try {
    if (sel[0] !== null) f.setSelectionRange(sel[0], sel[1])
  } catch {
    /* some input types have no selection */
  }
  f.dispatchEvent(new Event('input', { bubbles: true }))
}

function safeSel(f: Editable, which: 'start' | 'end'): number | null {
  try {
    return which === 'start' ? f.selectionStart : f.selectionEnd
  } catch {
    return null
  }
}
