import type { RouteRecordRaw } from 'vue-router'
import { Finished } from '@element-plus/icons-vue'

// Evaluations: the list (mine, and my team's for managers), one
// evaluation's form, and the templates per role. A salesperson uses the
// list and the form, so they do not need BACKOFFICE.
export const routes: RouteRecordRaw[] = [
  {
    path: '/staff/evaluations',
    name: 'staff-evaluations',
    component: () => import('./EvaluationsView.vue'),
    meta: { perm: 'STAFF_READ', nav: { area: 'staff', order: 75.7, item: 'evaluations', icon: Finished }, title: 'evaluations.nav' },
  },
  {
    path: '/staff/evaluations/:id(\\d+)',
    name: 'staff-evaluation',
    component: () => import('./EvaluationView.vue'),
    meta: { perm: 'STAFF_READ', area: 'staff', title: 'evaluations.detail' },
  },
  {
    path: '/staff/evaluations/templates',
    name: 'staff-evaluation-templates',
    component: () => import('./TemplatesView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], area: 'staff', title: 'evaluations.templates.title' },
  },
]
