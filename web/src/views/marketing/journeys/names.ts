// Journey texts in the UI language: the trigger of a kind in words.
import { i18n } from '@/i18n'
import type { JourneyKind } from '../api'

const t = i18n.global.t

/** "When a customer joins", "No purchase for 60 days", "3 days before the birthday". */
export function triggerText(kind: JourneyKind, days: number): string {
  switch (kind) {
    case 'welcome':
      return t('marketing.journeys.triggers.welcome')
    case 'winback':
      return t('marketing.journeys.triggers.winback', { n: days }, days)
    default:
      return days ? t('marketing.journeys.triggers.birthday', { n: days }, days) : t('marketing.journeys.triggers.birthdayOn')
  }
}
