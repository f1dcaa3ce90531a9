// The till's IndexedDB: one database shared by every tab of this browser.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { CachedMember, CachedProduct, CatalogMeta, DeadLetter, OutboxItem } from './types'

interface TersaOfflineDB extends DBSchema {
  outbox: { key: number; value: OutboxItem; indexes: { store: number; key: string } }
  dead: { key: number; value: DeadLetter; indexes: { store: number } }
  products: { key: number; value: CachedProduct; indexes: { barcode: string; sku: string } }
  members: {
    key: number
    value: CachedMember
    indexes: { store: number; code: string; phone: string; last4: string }
  }
  catalog: { key: number; value: CatalogMeta }
  counters: { key: string; value: number }
}

export type OfflineDB = IDBPDatabase<TersaOfflineDB>

export const DB_NAME = 'tersa-offline'
let opening: Promise<OfflineDB> | null = null

/** The database, opened once per page (and created on first use). */
export function db(): Promise<OfflineDB> {
  if (!opening) {
    opening = openDB<TersaOfflineDB>(DB_NAME, 1, {
      upgrade(d) {
        const o = d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
        o.createIndex('store', 'storeId')
        o.createIndex('key', 'key', { unique: true })
        const dl = d.createObjectStore('dead', { keyPath: 'seq' })
        dl.createIndex('store', 'storeId')
        const p = d.createObjectStore('products', { keyPath: 'id' })
        p.createIndex('barcode', 'barcode')
        p.createIndex('sku', 'sku')
        const m = d.createObjectStore('members', { keyPath: 'id' })
        m.createIndex('store', 'storeId')
        m.createIndex('code', 'member_code')
        m.createIndex('phone', 'phone')
        m.createIndex('last4', 'phone_last4')
        d.createObjectStore('catalog', { keyPath: 'storeId' })
        d.createObjectStore('counters')
      },
      blocking() {
        // A newer version of the app wants to upgrade: let it.
        void opening?.then((x) => x.close())
        opening = null
      },
    })
  }
  return opening
}

/** Closes the database (tests start each case from a fresh one). */
export async function closeDb(): Promise<void> {
  const p = opening
  opening = null
  if (p) (await p).close()
}
