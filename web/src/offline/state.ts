// What this page's offline module is working on: the store the sync runs
// for and whether the server was reachable at the last contact.
export const state = {
  storeId: null as number | null,
  online: typeof navigator === 'undefined' ? true : navigator.onLine !== false,
}
