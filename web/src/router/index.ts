// One router for every area: each views/<area>/routes.ts exports its routes
// with the permission code that opens them and, optionally, a nav entry.
import type { Component } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuth } from '@/stores/auth'
import { permitted } from './nav'

/** What an area route may declare in `meta`. */
declare module 'vue-router' {
  interface RouteMeta {
    /**
     * Permission code from src/http/perms.def needed to open the route, or
     * several (all needed): back-office pages add BACKOFFICE to the code of
     * the API they read, so a cashier's menu stays the till and customers.
     */
    perm?: string | string[]
    /** Reachable without a session (the login page). */
    public?: boolean
    /** 'bare' renders without the navigation frame (login, the POS). */
    layout?: 'bare'
    /**
     * Navigation entry: the area key (`nav-<area>` test id, `nav.<area>`
     * text), its order, and an icon from @element-plus/icons-vue. An area
     * with several pages gives each an `item` (`nav-<area>-<item>` test id,
     * its `title` as the text): they are shown as the area's sub-menu.
     */
    nav?: { area: string; order: number; icon?: Component; item?: string }
    /** For pages without a nav entry (details, editors): the area whose entry they belong under. */
    area?: string
    /** i18n key of the page title shown after the area in the breadcrumb (and the tab title). */
    title?: string
  }
}

// An area may keep a part in a sub-folder with its own routes (views/customers/loyalty/routes.ts).
const modules = import.meta.glob<{ routes: RouteRecordRaw[] }>('../views/**/routes.ts', { eager: true })
export const areaRoutes: RouteRecordRaw[] = Object.values(modules).flatMap((m) => m.routes)

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...areaRoutes,
    { path: '/', name: 'home', redirect: () => useAuth().homePath() },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('@/views/NotFound.vue'), meta: { title: 'common.notFound' } },
  ],
})

router.beforeEach(async (to) => {
  const auth = useAuth()
  if (to.meta.public) return true
  if (!auth.user) {
    await auth.restore()
    if (!auth.user) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
  }
  if (!permitted(to.meta.perm, auth.can)) return { name: 'home' }
  return true
})

/** A `next` query value that is safe to go to after login: a path inside the app, not login itself. */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null
  if (next === '/login' || next.startsWith('/login?')) return null
  return next
}
