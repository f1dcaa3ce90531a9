import type { RouteRecordRaw } from 'vue-router'
import { SetUp } from '@element-plus/icons-vue'

// The marketing area's settings: the sending gateways per channel and the
// company-wide rules (approval threshold, holdout, quiet hours, public URL).
export const routes: RouteRecordRaw[] = [
  {
    path: '/marketing/settings',
    name: 'marketing-settings',
    component: () => import('./MarketingSettingsView.vue'),
    meta: { perm: ['MARKETING_READ', 'BACKOFFICE'], nav: { area: 'marketing', order: 88, item: 'settings', icon: SetUp }, title: 'marketing.nav.settings' },
  },
]
