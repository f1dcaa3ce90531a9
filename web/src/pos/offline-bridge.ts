// What the POS reads from the offline part (src/stores/offline.ts and its
// pending badge) without depending on it at build time: while that part is
// not in the tree, the till reports no pending sales and the browser's
// online flag.
import type { Component } from 'vue'

interface OfflineStoreLike {
  pending?: number
  online?: boolean
  pricesAsOf?: string | null
}

const stores = import.meta.glob<Record<string, unknown>>('../stores/offline.ts', { eager: true })
const badges = import.meta.glob<{ default: Component }>('../components/offline/OfflineBadge.vue', { eager: true })

/** The offline part's Pinia store, or null when it is not built in. */
export function offlineStore(): OfflineStoreLike | null {
  const mod = Object.values(stores)[0]
  if (!mod) return null
  const use = Object.entries(mod).find(([k, v]) => k.startsWith('use') && typeof v === 'function')?.[1]
  return use ? (use as () => OfflineStoreLike)() : null
}

/** The offline part's pending badge (renders pos-pending-count), or null. */
export const OfflineBadge: Component | null = Object.values(badges)[0]?.default ?? null

/** Sales waiting in the outbox (0 without the offline part). */
export function pendingCount(): number {
  return offlineStore()?.pending ?? 0
}

/** Whether the server is believed reachable. */
export function isOnline(): boolean {
  const s = offlineStore()
  if (s && typeof s.online === 'boolean') return s.online
  return typeof navigator === 'undefined' ? true : navigator.onLine
}
