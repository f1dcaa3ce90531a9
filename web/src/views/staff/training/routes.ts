import type { RouteRecordRaw } from 'vue-router'
import { Reading } from '@element-plus/icons-vue'

// Staff › Courses (issue #15 §6): the course list with a person's assignments
// and, for managers, assignments and overdue training; the course editor
// (head office); a course's page for the learner with its quiz. A salesperson
// uses the list and the course page, so those do not need the back office.
export const routes: RouteRecordRaw[] = [
  {
    path: '/staff/courses',
    name: 'staff-courses',
    component: () => import('./CoursesView.vue'),
    meta: { perm: 'STAFF_READ', nav: { area: 'staff', order: 75.8, item: 'courses', icon: Reading }, title: 'training.nav.courses' },
  },
  {
    path: '/staff/courses/new',
    name: 'staff-course-new',
    component: () => import('./CourseEditView.vue'),
    meta: { perm: ['STAFF_ADMIN', 'BACKOFFICE'], area: 'staff', title: 'training.editor.create' },
  },
  {
    path: '/staff/courses/:id(\\d+)/edit',
    name: 'staff-course-edit',
    component: () => import('./CourseEditView.vue'),
    meta: { perm: ['STAFF_ADMIN', 'BACKOFFICE'], area: 'staff', title: 'training.editor.edit' },
  },
  {
    path: '/staff/courses/:id(\\d+)',
    name: 'staff-course',
    component: () => import('./CourseView.vue'),
    meta: { perm: 'STAFF_READ', area: 'staff', title: 'training.course.title' },
  },
]
