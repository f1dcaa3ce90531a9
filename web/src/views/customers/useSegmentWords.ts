// A saved segment's filter in the UI language: the tier, store, category
// and RFM segment names it needs, read once per page (tiers and categories
// are one page each), and the sentence describeFilter's parts make.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { call, client, type Schemas } from '@/api/client'
import { useAuth } from '@/stores/auth'
import { useCompany } from '@/stores/company'
import { money } from '@/utils/money'
import { describeFilter, type SegmentFilter } from './segments'

export function useSegmentWords() {
  const { t } = useI18n()
  const auth = useAuth()
  const company = useCompany()
  const tiers = ref<Schemas['Tier'][]>([])
  const categories = ref<Schemas['Category'][]>([])

  if (auth.can('LOYALTY_READ'))
    call(client.GET('/api/v1/tiers', {}))
      .then((r) => (tiers.value = (r as { items: Schemas['Tier'][] }).items))
      .catch(() => (tiers.value = []))
  call(client.GET('/api/v1/categories'))
    .then((r) => (categories.value = (r as Schemas['CategoryList']).items))
    .catch(() => (categories.value = []))

  const names = {
    tier: (code: string) => tiers.value.find((x) => x.code === code)?.name ?? code,
    store: (id: number) => company.stores.find((s) => s.id === id)?.name ?? `#${id}`,
    category: (id: number) => categories.value.find((c) => c.id === id)?.path ?? `#${id}`,
    rfm: (code: string) => t(`customers.segment.rfmName.${code}`),
    channel: (c: string) => t(`customers.consent.${c}`),
    money: (fen: number) => money(fen),
  }
  /** The filter's parts as sentences. */
  function parts(f: SegmentFilter | null | undefined): string[] {
    return describeFilter(f ?? {}, names, t('customers.segment.says.sep')).map((p) => t(`customers.segment.says.${p.key}`, p.values))
  }
  /** The whole filter in one line ("everyone" when empty). */
  function sentence(f: SegmentFilter | null | undefined): string {
    const p = parts(f)
    return p.length ? p.join(t('customers.segment.says.and')) : t('customers.segment.says.everyone')
  }
  /** Whose segment: the company's or a store's. */
  function scope(storeId: number | null | undefined): string {
    return storeId == null ? t('customers.segment.company') : names.store(storeId)
  }
  return { tiers, categories, names, parts, sentence, scope }
}
