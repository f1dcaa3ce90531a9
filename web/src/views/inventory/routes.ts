import type { RouteRecordRaw } from 'vue-router'
import { Bell, Box, Finished, Histogram, Sort, Warning } from '@element-plus/icons-vue'

// Inventory: stock by store (with each product's moves), transfers, stock
// counts with scanner entry, reorder rules and alerts.
export const routes: RouteRecordRaw[] = [
  {
    path: '/inventory/stock',
    name: 'inventory-stock',
    component: () => import('./StockView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], nav: { area: 'inventory', order: 40, item: 'stock', icon: Box }, title: 'inventory.nav.stock' },
  },
  {
    path: '/inventory/transfers',
    name: 'inventory-transfers',
    component: () => import('./TransfersView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], nav: { area: 'inventory', order: 41, item: 'transfers', icon: Sort }, title: 'inventory.nav.transfers' },
  },
  {
    path: '/inventory/transfers/:id(\\d+)',
    name: 'inventory-transfer',
    component: () => import('./TransferView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], area: 'inventory', title: 'inventory.transfer.detail' },
  },
  {
    path: '/inventory/discrepancies',
    name: 'inventory-discrepancies',
    component: () => import('./DiscrepanciesView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], nav: { area: 'inventory', order: 42, item: 'discrepancies', icon: Warning }, title: 'inventory.nav.discrepancies' },
  },
  {
    path: '/inventory/counts',
    name: 'inventory-counts',
    component: () => import('./CountsView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], nav: { area: 'inventory', order: 43, item: 'counts', icon: Finished }, title: 'inventory.nav.counts' },
  },
  {
    path: '/inventory/counts/:id(\\d+)',
    name: 'inventory-count',
    component: () => import('./CountView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], area: 'inventory', title: 'inventory.count.detail' },
  },
  {
    path: '/inventory/reorder-rules',
    name: 'inventory-reorder-rules',
    component: () => import('./ReorderRulesView.vue'),
    meta: { perm: ['STOCK_READ', 'BACKOFFICE'], nav: { area: 'inventory', order: 44, item: 'rules', icon: Histogram }, title: 'inventory.nav.rules' },
  },
  {
    path: '/inventory/alerts',
    name: 'inventory-alerts',
    component: () => import('./AlertsView.vue'),
    meta: { perm: ['ALERTS_READ', 'BACKOFFICE'], nav: { area: 'inventory', order: 45, item: 'alerts', icon: Bell }, title: 'inventory.nav.alerts' },
  },
]
