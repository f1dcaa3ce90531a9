// The settings area: stores, users and roles, the company's settings, the
// audit log and the import wizard (admin and head office; a store manager
// imports opening stock for their stores).
import type { RouteRecordRaw } from 'vue-router'
import { Setting, User, Lock, OfficeBuilding, Document, Upload } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/settings/stores',
    name: 'settings-stores',
    component: () => import('./StoresView.vue'),
    meta: { perm: ['STORES_READ', 'BACKOFFICE'], nav: { area: 'settings', order: 90, item: 'stores', icon: Setting }, title: 'settings.nav.stores' },
  },
  {
    path: '/settings/users',
    name: 'settings-users',
    component: () => import('./UsersView.vue'),
    meta: { perm: ['USERS_READ', 'BACKOFFICE'], nav: { area: 'settings', order: 91, item: 'users', icon: User }, title: 'settings.nav.users' },
  },
  {
    path: '/settings/roles',
    name: 'settings-roles',
    component: () => import('./RolesView.vue'),
    meta: { perm: ['USERS_READ', 'BACKOFFICE'], nav: { area: 'settings', order: 92, item: 'roles', icon: Lock }, title: 'settings.nav.roles' },
  },
  {
    path: '/settings/company',
    name: 'settings-company',
    component: () => import('./CompanyView.vue'),
    meta: { perm: ['SETTINGS_READ', 'BACKOFFICE'], nav: { area: 'settings', order: 93, item: 'company', icon: OfficeBuilding }, title: 'settings.nav.company' },
  },
  {
    path: '/settings/audit',
    name: 'settings-audit',
    component: () => import('./AuditView.vue'),
    meta: { perm: ['AUDIT_READ', 'BACKOFFICE'], nav: { area: 'settings', order: 94, item: 'audit', icon: Document }, title: 'settings.nav.audit' },
  },
  {
    path: '/settings/import',
    name: 'settings-import',
    component: () => import('./ImportView.vue'),
    meta: { perm: ['STOCK_IMPORT', 'BACKOFFICE'], nav: { area: 'settings', order: 95, item: 'import', icon: Upload }, title: 'settings.nav.import' },
  },
]
