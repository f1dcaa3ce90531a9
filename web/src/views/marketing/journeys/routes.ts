import type { RouteRecordRaw } from 'vue-router'
import { Guide } from '@element-plus/icons-vue'

// The marketing area's journeys: welcome, win-back and birthday sequences
// of messages, each a list page and an editor with its enrollments.
export const routes: RouteRecordRaw[] = [
  {
    path: '/marketing/journeys',
    name: 'marketing-journeys',
    component: () => import('./JourneysView.vue'),
    meta: { perm: ['MARKETING_READ', 'BACKOFFICE'], nav: { area: 'marketing', order: 86, item: 'journeys', icon: Guide }, title: 'marketing.nav.journeys' },
  },
  {
    path: '/marketing/journeys/new',
    name: 'marketing-journey-new',
    component: () => import('./JourneyEditView.vue'),
    meta: { perm: ['MARKETING_WRITE', 'BACKOFFICE'], area: 'marketing', title: 'marketing.journeys.create' },
  },
  {
    path: '/marketing/journeys/:id(\\d+)',
    name: 'marketing-journey',
    component: () => import('./JourneyEditView.vue'),
    meta: { perm: ['MARKETING_READ', 'BACKOFFICE'], area: 'marketing', title: 'marketing.journeys.view' },
  },
]
