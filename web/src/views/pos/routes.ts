import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  {
    path: '/pos',
    name: 'pos',
    component: () => import('./PosView.vue'),
    meta: { perm: 'SALES_WRITE', layout: 'bare', nav: { area: 'pos', order: 10 } },
  },
]
