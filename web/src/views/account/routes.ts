import type { RouteRecordRaw } from 'vue-router'
import { User } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/account',
    name: 'account',
    component: () => import('./AccountView.vue'),
    meta: { perm: 'AUTH', nav: { area: 'account', order: 1000, icon: User } },
  },
]
