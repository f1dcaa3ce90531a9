import type { RouteRecordRaw } from 'vue-router'
import { Promotion } from '@element-plus/icons-vue'

// Marketing campaigns: the list, the editor, and one campaign's page (its
// state and actions, messages and preview, results, members, costs).
export const routes: RouteRecordRaw[] = [
  {
    path: '/marketing/campaigns',
    name: 'marketing-campaigns',
    component: () => import('./CampaignsView.vue'),
    meta: { perm: ['MARKETING_READ', 'BACKOFFICE'], nav: { area: 'marketing', order: 85, item: 'campaigns', icon: Promotion }, title: 'campaigns.nav' },
  },
  {
    path: '/marketing/campaigns/new',
    name: 'marketing-campaign-new',
    component: () => import('./CampaignEditView.vue'),
    meta: { perm: ['MARKETING_WRITE', 'BACKOFFICE'], area: 'marketing', title: 'campaigns.create' },
  },
  {
    path: '/marketing/campaigns/:id(\\d+)/edit',
    name: 'marketing-campaign-edit',
    component: () => import('./CampaignEditView.vue'),
    meta: { perm: ['MARKETING_WRITE', 'BACKOFFICE'], area: 'marketing', title: 'campaigns.edit' },
  },
  {
    path: '/marketing/campaigns/:id(\\d+)',
    name: 'marketing-campaign',
    component: () => import('./CampaignView.vue'),
    meta: { perm: ['MARKETING_READ', 'BACKOFFICE'], area: 'marketing', title: 'campaigns.detail' },
  },
]
