import type { RouteRecordRaw } from 'vue-router'
import { ChatDotSquare } from '@element-plus/icons-vue'

// Staff › Meetings (issue #15 §7): a store's meetings with attendees, notes
// and action items that become tasks; a meeting's page shows their status.
export const routes: RouteRecordRaw[] = [
  {
    path: '/staff/meetings',
    name: 'staff-meetings',
    component: () => import('./MeetingsView.vue'),
    meta: { perm: ['STAFF_MANAGE', 'BACKOFFICE'], nav: { area: 'staff', order: 75.9, item: 'meetings', icon: ChatDotSquare }, title: 'meetings.nav.meetings' },
  },
  {
    path: '/staff/meetings/:id(\\d+)',
    name: 'staff-meeting',
    component: () => import('./MeetingView.vue'),
    meta: { perm: 'STAFF_READ', area: 'staff', title: 'meetings.meeting.title' },
  },
]
