import type { RouteRecordRaw } from 'vue-router'
import { Message } from '@element-plus/icons-vue'

// The marketing area's outbox: every message queued for customers and what became of it.
export const routes: RouteRecordRaw[] = [
  {
    path: '/marketing/outbox',
    name: 'marketing-outbox',
    component: () => import('./OutboxView.vue'),
    meta: { perm: ['OUTBOX_READ', 'BACKOFFICE'], nav: { area: 'marketing', order: 87, item: 'outbox', icon: Message }, title: 'marketing.nav.outbox' },
  },
]
