import type { RouteRecordRaw } from 'vue-router'
import { DataAnalysis, Box, User, Tickets, CircleCheck } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/reports/sales',
    name: 'reports-sales',
    component: () => import('./SalesReportView.vue'),
    meta: { perm: ['REPORTS_READ', 'BACKOFFICE'], nav: { area: 'reports', order: 70, item: 'sales', icon: DataAnalysis }, title: 'reports.nav.sales' },
  },
  {
    path: '/reports/inventory',
    name: 'reports-inventory',
    component: () => import('./InventoryReportsView.vue'),
    meta: { perm: ['REPORTS_READ', 'BACKOFFICE'], nav: { area: 'reports', order: 71, item: 'inventory', icon: Box }, title: 'reports.nav.inventory' },
  },
  {
    path: '/reports/customers',
    name: 'reports-customers',
    component: () => import('./CustomerReportsView.vue'),
    meta: { perm: ['REPORTS_READ', 'BACKOFFICE'], nav: { area: 'reports', order: 72, item: 'customers', icon: User }, title: 'reports.nav.customers' },
  },
  {
    path: '/reports/shifts',
    name: 'reports-shifts',
    component: () => import('./ShiftsView.vue'),
    meta: { perm: ['SHIFTS_READ', 'BACKOFFICE'], nav: { area: 'reports', order: 73, item: 'shifts', icon: Tickets }, title: 'reports.nav.shifts' },
  },
  {
    path: '/reports/shifts/:id',
    name: 'reports-shift',
    component: () => import('./ShiftView.vue'),
    meta: { perm: ['SHIFTS_READ', 'BACKOFFICE'], area: 'reports', title: 'reports.shift.zReport' },
  },
  {
    path: '/reports/journal',
    name: 'reports-journal',
    component: () => import('./JournalView.vue'),
    meta: { perm: ['AUDIT_READ', 'BACKOFFICE'], nav: { area: 'reports', order: 74, item: 'journal', icon: CircleCheck }, title: 'reports.nav.journal' },
  },
]
