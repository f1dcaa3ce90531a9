// A tiny typed event emitter: how the outbox and the cache tell the UI
// (the Pinia store) what changed, without depending on Vue.
import type { DeadLetter, Sale } from './types'

export interface OfflineEvents {
  /** Sales waiting in the outbox of the store the sync runs for. */
  pending: number
  dead: DeadLetter[]
  online: boolean
  /** When the cached prices were read (ISO 8601), or null without a cache. */
  pricesAsOf: string | null
  /** A queued sale reached the server. */
  sent: { localNumber: string; sale: Sale }
  /** This tab became (true) or stopped being (false) the till's sender. */
  leader: boolean
}

type Handler<T> = (v: T) => void

export class Emitter<E> {
  private handlers = new Map<keyof E, Set<Handler<never>>>()

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof E>(name: K, fn: Handler<E[K]>): () => void {
    let set = this.handlers.get(name)
    if (!set) this.handlers.set(name, (set = new Set()))
    set.add(fn as Handler<never>)
    return () => set.delete(fn as Handler<never>)
  }

  emit<K extends keyof E>(name: K, value: E[K]): void {
    for (const fn of this.handlers.get(name) ?? []) (fn as Handler<E[K]>)(value)
  }
}

/** The events of this page's offline module. */
export const events = new Emitter<OfflineEvents>()
