// What the POS reads from the offline part (src/stores/offline.ts): the
// sales waiting in the outbox and whether the server answers.
import { useOffline } from '@/stores/offline'

/** Sales waiting in the outbox of the till's store. */
export function pendingCount(): number {
  return useOffline().pending
}

/** Whether the server is believed reachable. */
export function isOnline(): boolean {
  return useOffline().online
}
