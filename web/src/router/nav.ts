// The navigation entries a user sees: the routes that declare `meta.nav`,
// kept when the user's permission codes open them, in their order. Routes
// that name an `item` are the pages of an area: they become one entry with
// `items` (a sub-menu), the area's place set by its first page.
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

export interface NavItem {
  name: string
  path: string
  /** `nav-<area>-<item>` test id. */
  item: string
  /** i18n key of the label: the route's `meta.title`, else `<area>.nav.<item>`. */
  label: string
  order: number
}

export interface NavEntry {
  /** Route name (to navigate by) and path (the menu index); for a sub-menu its first page. */
  name: string
  path: string
  /** `nav-<area>` test id, `nav.<area>` label. */
  area: string
  order: number
  icon?: Component
  /** The route renders without the frame (the POS): the menu opens it full-screen. */
  bare: boolean
  /** The area's pages the user may open, when the area has several. */
  items?: NavItem[]
}

/** The entries of `routes` that `can` allows, sorted by order then area. */
export function buildNav(routes: readonly RouteRecordRaw[], can: (perm: string) => boolean): NavEntry[] {
  const out: NavEntry[] = []
  const groups = new Map<string, NavEntry>()
  for (const r of routes) {
    const nav = r.meta?.nav
    if (!nav || !permitted(r.meta!.perm, can)) continue
    const name = String(r.name ?? r.path)
    if (!nav.item) {
      out.push({ name, path: r.path, area: nav.area, order: nav.order, icon: nav.icon, bare: r.meta!.layout === 'bare' })
      continue
    }
    let g = groups.get(nav.area)
    if (!g) {
      g = { name, path: r.path, area: nav.area, order: nav.order, icon: nav.icon, bare: false, items: [] }
      groups.set(nav.area, g)
      out.push(g)
    }
    g.items!.push({ name, path: r.path, item: nav.item, label: r.meta!.title ?? `${nav.area}.nav.${nav.item}`, order: nav.order })
    if (nav.icon && !g.icon) g.icon = nav.icon
  }
  for (const g of groups.values()) {
    g.items!.sort((a, b) => a.order - b.order)
    g.order = g.items![0].order
    g.name = g.items![0].name
    g.path = g.items![0].path
  }
  return out.sort((a, b) => a.order - b.order || a.area.localeCompare(b.area))
}

/** The nav entry (and item) a path belongs to: the longest matching page path. */
export function activeNav(nav: NavEntry[], path: string): string | undefined {
  let best: string | undefined
  for (const n of nav) {
    for (const p of n.items ? n.items.map((i) => i.path) : [n.path]) {
      if ((path === p || path.startsWith(p + '/')) && (!best || p.length > best.length)) best = p
    }
  }
  return best
}

/** Whether `can` holds the route's permission code, or every one of its codes. */
export function permitted(perm: string | string[] | undefined, can: (perm: string) => boolean): boolean {
  if (!perm) return true
  return Array.isArray(perm) ? perm.every(can) : can(perm)
}
