// The navigation entries a user sees: the routes that declare `meta.nav`,
// kept when the user's permission codes open them, in their order.
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

export interface NavEntry {
  /** Route name (to navigate by) and path (the menu index). */
  name: string
  path: string
  /** `nav-<area>` test id, `nav.<area>` label. */
  area: string
  order: number
  icon?: Component
  /** The route renders without the frame (the POS): the menu opens it full-screen. */
  bare: boolean
}

/** The entries of `routes` that `can` allows, sorted by order then area. */
export function buildNav(routes: readonly RouteRecordRaw[], can: (perm: string) => boolean): NavEntry[] {
  return routes
    .filter((r) => r.meta?.nav && (!r.meta.perm || can(r.meta.perm)))
    .map((r) => ({
      name: String(r.name ?? r.path),
      path: r.path,
      area: r.meta!.nav!.area,
      order: r.meta!.nav!.order,
      icon: r.meta!.nav!.icon,
      bare: r.meta!.layout === 'bare',
    }))
    .sort((a, b) => a.order - b.order || a.area.localeCompare(b.area))
}
