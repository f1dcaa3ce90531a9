import type { RouteRecordRaw } from 'vue-router'
import { Document, ShoppingCart, Van } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/purchasing/replenishment',
    name: 'purchasing-replenishment',
    component: () => import('./ReplenishmentView.vue'),
    meta: { perm: ['PURCHASE_READ', 'BACKOFFICE'], nav: { area: 'purchasing', order: 50, item: 'replenishment', icon: ShoppingCart }, title: 'purchasing.nav.replenishment' },
  },
  {
    path: '/purchasing/orders',
    name: 'purchasing-orders',
    component: () => import('./PurchaseOrdersView.vue'),
    meta: { perm: ['PURCHASE_READ', 'BACKOFFICE'], nav: { area: 'purchasing', order: 51, item: 'orders', icon: Document }, title: 'purchasing.nav.orders' },
  },
  {
    path: '/purchasing/orders/:id(\\d+)',
    name: 'purchasing-order',
    component: () => import('./PurchaseOrderView.vue'),
    meta: { perm: ['PURCHASE_READ', 'BACKOFFICE'], area: 'purchasing', title: 'purchasing.order.detail' },
  },
  {
    path: '/purchasing/suppliers',
    name: 'purchasing-suppliers',
    component: () => import('./SuppliersView.vue'),
    meta: { perm: ['SUPPLIERS_READ', 'BACKOFFICE'], nav: { area: 'purchasing', order: 52, item: 'suppliers', icon: Van }, title: 'purchasing.nav.suppliers' },
  },
]
