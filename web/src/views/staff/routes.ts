import type { RouteRecordRaw } from 'vue-router'
import { DataLine, User, Aim, Trophy, Histogram } from '@element-plus/icons-vue'

// Staff performance: My performance (every role, phone-first), the team,
// targets, leaderboards, KPIs with footfall, and a person's page. Screens a
// salesperson opens need STAFF_READ only (never BACKOFFICE).
export const routes: RouteRecordRaw[] = [
  {
    path: '/staff/me',
    name: 'staff-me',
    component: () => import('./MyPerformanceView.vue'),
    meta: { perm: 'STAFF_READ', nav: { area: 'staff', order: 75, item: 'me', icon: DataLine }, title: 'staff.nav.me' },
  },
  {
    path: '/staff/team',
    name: 'staff-team',
    component: () => import('./TeamView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], nav: { area: 'staff', order: 75.1, item: 'team', icon: User }, title: 'staff.nav.team' },
  },
  {
    path: '/staff/targets',
    name: 'staff-targets',
    component: () => import('./TargetsView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], nav: { area: 'staff', order: 75.2, item: 'targets', icon: Aim }, title: 'staff.nav.targets' },
  },
  {
    path: '/staff/leaderboards',
    name: 'staff-leaderboards',
    component: () => import('./LeaderboardsView.vue'),
    meta: { perm: 'STAFF_READ', nav: { area: 'staff', order: 75.3, item: 'leaderboards', icon: Trophy }, title: 'staff.nav.leaderboards' },
  },
  {
    path: '/staff/kpis',
    name: 'staff-kpis',
    component: () => import('./KpisView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], nav: { area: 'staff', order: 75.4, item: 'kpis', icon: Histogram }, title: 'staff.nav.kpis' },
  },
  {
    path: '/staff/people/:id(\\d+)',
    name: 'staff-person',
    component: () => import('./PersonView.vue'),
    meta: { perm: 'STAFF_READ', area: 'staff', title: 'staff.person.title' },
  },
]
