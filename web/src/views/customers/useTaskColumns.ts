// The task columns and the "done" action shared by the tasks page and the
// tasks tab of a customer's profile.
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import { call, client, type Schemas } from '@/api/client'
import type { ColumnDef } from '@/components/entity/types'
import { problemMessage } from '@/utils/problem'

type Task = Schemas['Task']

export function useTaskColumns() {
  const { t } = useI18n()
  const columns: ColumnDef<Task>[] = [
    { prop: 'title', label: 'customers.task.titleField', minWidth: 180 },
    { prop: 'kind', label: 'customers.task.kind', width: 100, format: (x) => t(`customers.taskKind.${x.kind}`) },
    { prop: 'due_at', label: 'customers.task.due', kind: 'datetime', width: 150 },
    {
      prop: 'status',
      label: 'entity.status',
      kind: 'tag',
      width: 100,
      tag: (x) =>
        x.overdue
          ? { text: t('customers.task.overdue'), type: 'danger' }
          : x.status === 'open'
            ? { text: t('customers.taskStatus.open'), type: 'primary' }
            : { text: t(`customers.taskStatus.${x.status}`), type: x.status === 'done' ? 'success' : 'info' },
    },
    { prop: 'done_at', label: 'customers.task.doneAt', kind: 'datetime', width: 150 },
  ]
  /** Marks the task done; resolves true when the server took it. */
  async function complete(task: Task): Promise<boolean> {
    try {
      await call(client.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: { status: 'done' } }))
      ElMessage.success(t('customers.task.completed'))
      return true
    } catch (e) {
      ElMessage.error(problemMessage(e))
      return false
    }
  }
  return { columns, complete }
}
