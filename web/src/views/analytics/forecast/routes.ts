import type { RouteRecordRaw } from 'vue-router'
import { TrendCharts } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/analytics/forecast',
    name: 'analytics-forecast',
    component: () => import('./ForecastView.vue'),
    meta: { perm: ['REPORTS_READ', 'BACKOFFICE'], nav: { area: 'analytics', order: 82, item: 'forecast', icon: TrendCharts }, title: 'forecast.nav' },
  },
]
