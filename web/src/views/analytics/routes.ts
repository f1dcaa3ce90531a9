import type { RouteRecordRaw } from 'vue-router'
import { PieChart, Connection } from '@element-plus/icons-vue'

// The analytics area: customer segments and clusters, the market basket.
export const routes: RouteRecordRaw[] = [
  {
    path: '/analytics/segments',
    name: 'analytics-segments',
    component: () => import('./SegmentsView.vue'),
    meta: { perm: ['REPORTS_READ', 'BACKOFFICE'], nav: { area: 'analytics', order: 80, item: 'segments', icon: PieChart }, title: 'analytics.nav.segments' },
  },
  {
    path: '/analytics/basket',
    name: 'analytics-basket',
    component: () => import('./BasketView.vue'),
    meta: { perm: ['REPORTS_READ', 'BACKOFFICE'], nav: { area: 'analytics', order: 81, item: 'basket', icon: Connection }, title: 'analytics.nav.basket' },
  },
]
