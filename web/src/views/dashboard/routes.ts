import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('./DashboardView.vue'),
    meta: { perm: 'REPORTS_READ', nav: { area: 'dashboard', order: 20 } },
  },
]
