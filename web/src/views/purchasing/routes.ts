import type { RouteRecordRaw } from 'vue-router'
import { Van } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/purchasing/suppliers',
    name: 'purchasing-suppliers',
    component: () => import('./SuppliersView.vue'),
    meta: { perm: 'SUPPLIERS_READ', nav: { area: 'purchasing', order: 50, item: 'suppliers', icon: Van }, title: 'purchasing.nav.suppliers' },
  },
]
