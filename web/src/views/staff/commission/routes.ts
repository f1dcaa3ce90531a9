import type { RouteRecordRaw } from 'vue-router'
import { Money, Wallet } from '@element-plus/icons-vue'

// Commission: the plans with their editor and calculator, the payout
// periods, and each person's own statement (phone-friendly, for sales staff
// too, so no BACKOFFICE).
export const routes: RouteRecordRaw[] = [
  {
    path: '/staff/commission/plans',
    name: 'staff-commission-plans',
    component: () => import('./PlansView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], nav: { area: 'staff', order: 75.5, item: 'plans', icon: Money }, title: 'commission.nav.plans' },
  },
  {
    path: '/staff/commission/plans/new',
    name: 'staff-commission-plan-new',
    component: () => import('./PlanEditView.vue'),
    meta: { perm: ['STAFF_ADMIN', 'BACKOFFICE'], area: 'staff', title: 'commission.plan.create' },
  },
  {
    path: '/staff/commission/plans/:id(\\d+)',
    name: 'staff-commission-plan',
    component: () => import('./PlanEditView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], area: 'staff', title: 'commission.plan.detail' },
  },
  {
    path: '/staff/commission/payouts',
    name: 'staff-commission-payouts',
    component: () => import('./PayoutsView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], nav: { area: 'staff', order: 75.6, item: 'payouts', icon: Wallet }, title: 'commission.nav.payouts' },
  },
  {
    path: '/staff/statement',
    name: 'staff-statement',
    component: () => import('./StatementView.vue'),
    meta: { perm: 'STAFF_READ', area: 'staff', title: 'commission.statement.title' },
  },
]
