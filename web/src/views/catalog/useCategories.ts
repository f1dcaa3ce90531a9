// The category tree, read once per page (the API answers it whole, as one
// page): the nodes for el-tree / el-tree-select and each category's path.
import { computed, ref } from 'vue'
import { call, client, type Schemas } from '@/api/client'
import { problemMessage } from '@/utils/problem'
import { categoryTree } from './catalog'

export function useCategories() {
  const list = ref<Schemas['Category'][]>([])
  const error = ref('')
  const loading = ref(false)
  const tree = computed(() => categoryTree(list.value))
  const paths = computed(() => new Map(list.value.map((c) => [c.id, c.path])))

  async function load(): Promise<void> {
    loading.value = true
    try {
      list.value = ((await call(client.GET('/api/v1/categories'))) as Schemas['CategoryList']).items
      error.value = ''
    } catch (e) {
      error.value = problemMessage(e)
    } finally {
      loading.value = false
    }
  }
  return { list, tree, paths, error, loading, load }
}
