import type { RouteRecordRaw } from 'vue-router'
import { User, List, CopyDocument, Opportunity, Collection } from '@element-plus/icons-vue'

// Customers (CRM): the member list and the 360° profile, tasks, duplicates
// and their merge, opportunities on a board, saved segments for marketing.
// Loyalty lives in ./loyalty.
export const routes: RouteRecordRaw[] = [
  {
    path: '/customers',
    name: 'customers-list',
    component: () => import('./CustomersView.vue'),
    meta: { perm: 'CUSTOMERS_READ', nav: { area: 'customers', order: 60, item: 'list', icon: User }, title: 'customers.nav.list' },
  },
  {
    path: '/customers/tasks',
    name: 'customers-tasks',
    component: () => import('./TasksView.vue'),
    meta: { perm: 'CRM_READ', nav: { area: 'customers', order: 61, item: 'tasks', icon: List }, title: 'customers.nav.tasks' },
  },
  {
    path: '/customers/duplicates',
    name: 'customers-duplicates',
    component: () => import('./DuplicatesView.vue'),
    meta: { perm: ['CUSTOMERS_MERGE', 'BACKOFFICE'], nav: { area: 'customers', order: 62, item: 'duplicates', icon: CopyDocument }, title: 'customers.nav.duplicates' },
  },
  {
    path: '/customers/opportunities',
    name: 'customers-opportunities',
    component: () => import('./OpportunitiesView.vue'),
    meta: { perm: 'OPPORTUNITIES_READ', nav: { area: 'customers', order: 63, item: 'opportunities', icon: Opportunity }, title: 'customers.nav.opportunities' },
  },
  {
    path: '/customers/segments',
    name: 'customers-segments',
    component: () => import('./SegmentsView.vue'),
    meta: { perm: ['CUSTOMERS_READ', 'BACKOFFICE'], nav: { area: 'customers', order: 64, item: 'segments', icon: Collection }, title: 'customers.nav.segments' },
  },
  {
    path: '/customers/segments/new',
    name: 'customers-segment-new',
    component: () => import('./SegmentEditView.vue'),
    meta: { perm: ['SEGMENTS_WRITE', 'BACKOFFICE'], area: 'customers', title: 'customers.segment.create' },
  },
  {
    path: '/customers/segments/:id(\\d+)/edit',
    name: 'customers-segment-edit',
    component: () => import('./SegmentEditView.vue'),
    meta: { perm: ['SEGMENTS_WRITE', 'BACKOFFICE'], area: 'customers', title: 'customers.segment.edit' },
  },
  {
    path: '/customers/segments/:id(\\d+)',
    name: 'customers-segment-members',
    component: () => import('./SegmentMembersView.vue'),
    meta: { perm: ['CUSTOMERS_READ', 'BACKOFFICE'], area: 'customers', title: 'customers.segment.membersTitle' },
  },
  {
    path: '/customers/:id(\\d+)',
    name: 'customers-profile',
    component: () => import('./CustomerView.vue'),
    meta: { perm: 'CUSTOMERS_READ', area: 'customers', title: 'customers.profile.title' },
  },
]
