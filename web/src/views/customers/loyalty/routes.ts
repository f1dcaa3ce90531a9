import type { RouteRecordRaw } from 'vue-router'
import { Medal, Ticket, Tickets, Wallet, Present } from '@element-plus/icons-vue'

// The loyalty part of the customers area: tiers and the points program,
// coupon templates, issued coupons (with the printable batch), stored value
// and care rules.
export const routes: RouteRecordRaw[] = [
  {
    path: '/customers/loyalty/tiers',
    name: 'customers-loyalty-tiers',
    component: () => import('./TiersView.vue'),
    meta: { perm: ['LOYALTY_READ', 'BACKOFFICE'], nav: { area: 'customers', order: 65, item: 'tiers', icon: Medal }, title: 'loyalty.nav.tiers' },
  },
  {
    path: '/customers/loyalty/coupon-templates',
    name: 'customers-loyalty-coupon-templates',
    component: () => import('./CouponTemplatesView.vue'),
    meta: { perm: ['COUPONS_READ', 'BACKOFFICE'], nav: { area: 'customers', order: 66, item: 'coupon-templates', icon: Tickets }, title: 'loyalty.nav.templates' },
  },
  {
    path: '/customers/loyalty/coupons',
    name: 'customers-loyalty-coupons',
    component: () => import('./CouponsView.vue'),
    meta: { perm: ['COUPONS_READ', 'BACKOFFICE'], nav: { area: 'customers', order: 67, item: 'coupons', icon: Ticket }, title: 'loyalty.nav.coupons' },
  },
  {
    path: '/customers/loyalty/coupons/batches/:id/print',
    name: 'customers-loyalty-batch-print',
    component: () => import('./BatchPrintView.vue'),
    meta: { perm: ['COUPONS_READ', 'BACKOFFICE'], area: 'customers', title: 'loyalty.print.title', layout: 'bare' },
  },
  {
    path: '/customers/loyalty/stored-value',
    name: 'customers-loyalty-stored-value',
    component: () => import('./StoredValueView.vue'),
    meta: { perm: ['LOYALTY_READ', 'BACKOFFICE'], nav: { area: 'customers', order: 68, item: 'stored-value', icon: Wallet }, title: 'loyalty.nav.storedValue' },
  },
  {
    path: '/customers/loyalty/care-rules',
    name: 'customers-loyalty-care-rules',
    component: () => import('./CareRulesView.vue'),
    meta: { perm: ['COUPONS_READ', 'BACKOFFICE'], nav: { area: 'customers', order: 69, item: 'care-rules', icon: Present }, title: 'loyalty.nav.careRules' },
  },
]
