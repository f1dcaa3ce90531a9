// The global scanner buffer: fast keys ending in Enter are a scan, read on
// window whatever has focus, and taken back out of a focused field.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createScanner, type Scanner } from '@/pos/scanner'

function key(k: string, target: EventTarget = window) {
  const ev = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })
  target.dispatchEvent(ev)
  return ev
}

/** Types text as a scanner (10 ms apart) or a person (150 ms), into an input like a browser would. */
function type(text: string, gap: number, input?: HTMLInputElement) {
  for (const ch of text) {
    vi.advanceTimersByTime(gap)
    const ev = key(ch, input ?? window)
    if (input && !ev.defaultPrevented) {
      input.value += ch
      input.dispatchEvent(new Event('input', { bubbles: true }))
    }
  }
  vi.advanceTimersByTime(gap)
  return key('Enter', input ?? window)
}

describe('scanner', () => {
  let scans: string[]
  let sc: Scanner
  beforeEach(() => {
    vi.useFakeTimers()
    scans = []
    sc = createScanner({ onScan: (c) => scans.push(c) })
  })
  afterEach(() => {
    sc.stop()
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('reads fast keys ending in Enter as one scan', () => {
    const enter = type('6920342002446', 10)
    expect(scans).toEqual(['6920342002446'])
    expect(enter.defaultPrevented).toBe(true)
  })

  it('leaves slow typing and its Enter alone', () => {
    const enter = type('13800138000', 150)
    expect(scans).toEqual([])
    expect(enter.defaultPrevented).toBe(false)
  })

  it('a pause in the middle starts the code again', () => {
    for (const ch of '123') {
      vi.advanceTimersByTime(10)
      key(ch)
    }
    vi.advanceTimersByTime(500)
    type('6920342002446', 10)
    expect(scans).toEqual(['6920342002446'])
  })

  it('ignores bursts shorter than a barcode', () => {
    type('12', 5)
    expect(scans).toEqual([])
  })

  it('a scan while typing a phone number lands in the cart and leaves the phone field as it was', () => {
    const phone = document.createElement('input')
    document.body.appendChild(phone)
    phone.focus()
    const seen: string[] = []
    phone.addEventListener('input', () => seen.push(phone.value))
    let enterReachedField = false
    phone.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') enterReachedField = true
    })
    type('1380', 200, phone) // slow: the cashier, Enter included
    expect(phone.value).toBe('1380')
    enterReachedField = false
    type('6920342002446', 8, phone)
    expect(scans).toEqual(['6920342002446'])
    expect(phone.value).toBe('1380')
    expect(seen[seen.length - 1]).toBe('1380')
    expect(enterReachedField).toBe(false)
  })

  it('a scan into the barcode field adds its line once (the field is emptied, Enter stopped)', () => {
    const field = document.createElement('input')
    document.body.appendChild(field)
    field.focus()
    let fieldEnters = 0
    field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') fieldEnters++
    })
    type('6920342002446', 10, field)
    expect(scans).toEqual(['6920342002446'])
    expect(field.value).toBe('')
    expect(fieldEnters).toBe(0)
  })

  it('a field a framework filled again after the scan is put back once more', () => {
    const field = document.createElement('input')
    document.body.appendChild(field)
    field.focus()
    type('6920342002446', 10, field)
    expect(field.value).toBe('')
    field.value = '6920342002446' // a late re-render from a stale model
    vi.advanceTimersByTime(1)
    expect(field.value).toBe('')
    expect(scans).toEqual(['6920342002446'])
  })

  it('modifier keys break a code', () => {
    for (const ch of '69203') {
      vi.advanceTimersByTime(5)
      key(ch)
    }
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', ctrlKey: true }))
    vi.advanceTimersByTime(5)
    key('Enter')
    expect(scans).toEqual([])
  })

  it('stop() stops listening', () => {
    sc.stop()
    type('6920342002446', 10)
    expect(scans).toEqual([])
  })
})
