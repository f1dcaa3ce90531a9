// The outbox, gateway and journey screens' rules: status colours and what
// can be sent again, a gateway's state and the body a card sends, quiet
// hours, and the journey editor's schedule, checks and body.
import { describe, it, expect, beforeEach } from 'vitest'
import { reasonText, retryable, statusType, waiting } from '@/views/marketing/outbox/outbox'
import { checkGateway, gatewayInput, gatewayState, gatewayValues, listText, overnight, validClock } from '@/views/marketing/settings/settings'
import { blankJourney, blankStep, checkJourney, journeyInput, journeyValues, moveStep, stepDays } from '@/views/marketing/journeys/journeys'
import { triggerText } from '@/views/marketing/journeys/names'
import type { Gateway } from '@/views/marketing/api'
import { i18n, setLocale } from '@/i18n'

describe('outbox', () => {
  it('colours a status by what it means for the customer', () => {
    expect(statusType('delivered')).toBe('success')
    expect(statusType('sent')).toBe('success')
    expect(statusType('failed')).toBe('danger')
    expect(statusType('opted_out')).toBe('warning')
    expect(statusType('queued')).toBe('info')
    expect(statusType('queued', true)).toBe('danger')
  })
  it('sends again only what the sender gave up on', () => {
    expect(retryable({ status: 'failed' })).toBe(true)
    expect(retryable({ status: 'bounced' })).toBe(true)
    expect(retryable({ status: 'queued', dead: true })).toBe(true)
    for (const s of ['queued', 'sending', 'sent', 'delivered', 'opted_out', 'suppressed', 'cancelled']) expect(retryable({ status: s, dead: false })).toBe(false)
  })
  it('tells a message waiting for a later try from one due now', () => {
    const now = new Date('2026-12-07T10:00:00Z')
    expect(waiting({ status: 'queued', next_at: '2026-12-07T10:05:00Z' }, now)).toBe(true)
    expect(waiting({ status: 'queued', next_at: '2026-12-07T09:55:00Z' }, now)).toBe(false)
    expect(waiting({ status: 'queued', next_at: null }, now)).toBe(false)
    expect(waiting({ status: 'failed', next_at: '2026-12-07T10:05:00Z' }, now)).toBe(false)
  })
})

describe('outbox reasons', () => {
  const t = i18n.global.t as (k: string, v?: Record<string, unknown>) => string
  it('puts the sender\'s reasons in the UI language, a gateway\'s own error as it is', () => {
    setLocale('zh-CN')
    expect(reasonText('no sms gateway configured', t)).toBe('尚未设置短信网关')
    expect(reasonText('the wechat gateway is disabled', t)).toBe('微信网关已关闭')
    expect(reasonText('quiet hours 21:00-08:00: waits until they end', t)).toBe('免打扰时段 21:00–08:00：结束后发送')
    expect(reasonText('no email consent at send time', t)).toBe('客户已不再同意接收邮件')
    expect(reasonText('no phone address', t)).toBe('客户没有手机号码')
    expect(reasonText('HTTP 503 (attempt 2 of 6, retried later)', t)).toBe('HTTP 503（第 2 次，共 6 次；稍后重试）')
    expect(reasonText('HTTP 503 (attempt 6, given up)', t)).toBe('HTTP 503（第 6 次；已放弃）')
    expect(reasonText('the gateway answered HTTP 503 (attempt 6, given up)', t)).toBe('网关返回 HTTP 503（第 6 次；已放弃）')
    setLocale('en')
    expect(reasonText('no wechat gateway configured (attempt 1 of 6, retried later)', t)).toBe('No WeChat gateway is set up yet (try 1 of 6; tried again later)')
    expect(reasonText('interrupted; delivery unknown', t)).toMatch(/not sent twice/)
    expect(reasonText('550 mailbox unavailable', t)).toBe('550 mailbox unavailable')
    expect(reasonText(null, t)).toBe('')
  })
})

const email: Gateway = {
  channel: 'email',
  enabled: true,
  configured: false,
  config: { smtp_url: 'smtp://mail.example.com:587', username: 'shop', from_address: '', from_name: 'Shop' },
  has_secret: true,
  rate_per_minute: 60,
  updated_at: null,
  missing: ['from_address'],
}

describe('gateways', () => {
  it('is incomplete while something is missing (on or off), then off when switched off, else ready', () => {
    expect(gatewayState(email)).toBe('incomplete')
    expect(gatewayState({ ...email, enabled: false })).toBe('incomplete')
    expect(gatewayState({ ...email, enabled: false, configured: true, missing: [] })).toBe('off')
    expect(gatewayState({ ...email, configured: true, missing: [] })).toBe('ready')
    expect(gatewayState({ ...email, configured: true, missing: ['secret'] })).toBe('incomplete')
  })
  it('starts the card from the saved config, without the secret and with STARTTLS when offered', () => {
    const v = gatewayValues(email)
    expect(v.config).toEqual({ smtp_url: 'smtp://mail.example.com:587', username: 'shop', from_address: '', from_name: 'Shop', starttls: 'try' })
    expect(v.secret).toBe('')
    expect(gatewayValues({ ...email, channel: 'sms', config: { url: 'https://sms.example.com' } }).config).toEqual({ url: 'https://sms.example.com' })
  })
  it('sends the channel fields trimmed, and the secret only when one was typed', () => {
    const v = gatewayValues(email)
    v.config.from_address = '  news@example.com '
    expect(gatewayInput('email', v)).toEqual({
      enabled: true,
      config: { smtp_url: 'smtp://mail.example.com:587', username: 'shop', from_address: 'news@example.com', from_name: 'Shop', starttls: 'try' },
      rate_per_minute: 60,
    })
    v.secret = ' s3cret '
    expect(gatewayInput('email', v).secret).toBe('s3cret')
    const sms = { enabled: false, config: { url: 'https://sms.example.com/send', smtp_url: 'x' }, secret: '', rate_per_minute: 10 }
    expect(gatewayInput('sms', sms)).toEqual({ enabled: false, config: { url: 'https://sms.example.com/send' }, rate_per_minute: 10 })
  })
  it('names addresses that cannot work before sending', () => {
    const v = gatewayValues(email)
    expect(checkGateway('email', v)).toEqual({})
    v.config.smtp_url = 'mail.example.com'
    v.config.from_address = 'news'
    v.rate_per_minute = 0
    expect(checkGateway('email', v)).toEqual({ 'config.smtp_url': 'smtpUrl', 'config.from_address': 'email', rate_per_minute: 'rate' })
    expect(checkGateway('sms', { enabled: true, config: { url: 'ftp://x' }, secret: '', rate_per_minute: 5 })).toEqual({ 'config.url': 'url' })
    expect(checkGateway('wechat', { enabled: true, config: { url: '' }, secret: '', rate_per_minute: 5 })).toEqual({})
  })
  it('reads quiet hours on a 24-hour clock, overnight when the end is not after the start', () => {
    expect(validClock('21:00')).toBe(true)
    expect(validClock('08:30')).toBe(true)
    expect(validClock('24:00')).toBe(false)
    expect(validClock('8:00')).toBe(false)
    expect(overnight('21:00', '08:00')).toBe(true)
    expect(overnight('12:00', '14:00')).toBe(false)
    expect(overnight('bad', '08:00')).toBe(false)
  })
  it('lists the missing fields as a sentence in each language', () => {
    expect(listText(['SMTP server', 'password', 'sender address'], 'en')).toBe('SMTP server, password, and sender address')
    expect(listText(['SMTP 服务器', '密码'], 'zh-CN')).toBe('SMTP 服务器和密码')
  })
})

describe('journeys', () => {
  beforeEach(() => setLocale('en'))

  it('sends each step its delay after the one before', () => {
    expect(stepDays([{ delay_days: 0 }, { delay_days: 3 }, { delay_days: 7 }])).toEqual([0, 3, 10])
    expect(stepDays([{ delay_days: 2 }])).toEqual([2])
    expect(stepDays([])).toEqual([])
  })
  it('moves a step up or down, and not past the ends', () => {
    expect(moveStep(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b'])
    expect(moveStep(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    const same = ['a', 'b']
    expect(moveStep(same, 0, -1)).toBe(same)
    expect(moveStep(same, 1, 1)).toBe(same)
  })
  it('asks for a name, a message per step and a subject for email', () => {
    const v = blankJourney('winback')
    expect(v.trigger_days).toBe(60)
    expect(checkJourney(v)).toEqual({ name: 'required', 'steps[0].messages': 'noMessage' })
    v.name = 'Come back'
    v.steps[0].messages.en.body = 'We miss you, {name}'
    expect(checkJourney(v)).toEqual({})
    v.steps.push(blankStep('email', 7))
    v.steps[1].messages['zh-CN'].body = '好久不见'
    expect(checkJourney(v)).toEqual({ 'steps[1].messages': 'noSubject' })
    v.steps[1].messages['zh-CN'].subject = '想念您'
    v.trigger_days = 0
    expect(checkJourney(v)).toEqual({ trigger_days: 'winbackDays' })
    v.steps = []
    v.trigger_days = 30
    expect(checkJourney(v)).toEqual({ steps: 'noSteps' })
  })
  it('needs a coupon, not a message, for an in-store step', () => {
    const v = blankJourney('birthday')
    v.name = 'Birthday'
    v.steps[0] = blankStep('in_store')
    expect(checkJourney(v)).toEqual({ 'steps[0].coupon_template_id': 'inStoreCoupon' })
    v.steps[0].coupon_template_id = 4
    expect(checkJourney(v)).toEqual({})
    v.trigger_days = 91
    expect(checkJourney(v)).toEqual({ trigger_days: 'birthdayDays' })
  })
  it('sends steps numbered from 1, only the languages written, subjects only for email', () => {
    const v = blankJourney('welcome')
    v.name = '  Welcome '
    v.trigger_days = 5
    v.steps[0].messages.en = { subject: 'ignored', body: ' Hello {name} ' }
    v.steps.push(blankStep('email', 3))
    v.steps[1].messages['zh-CN'] = { subject: ' 欢迎 ', body: '欢迎光临' }
    v.steps[1].coupon_template_id = 9
    v.steps.push(blankStep('in_store', 10))
    v.steps[2].messages.en.body = 'not sent'
    v.steps[2].coupon_template_id = 9
    expect(journeyInput(v)).toEqual({
      kind: 'welcome',
      name: 'Welcome',
      trigger_days: 0,
      active: true,
      steps: [
        { step_no: 1, delay_days: 0, channel: 'sms', coupon_template_id: null, messages: { en: { subject: null, body: 'Hello {name}' } } },
        { step_no: 2, delay_days: 3, channel: 'email', coupon_template_id: 9, messages: { 'zh-CN': { subject: '欢迎', body: '欢迎光临' } } },
        { step_no: 3, delay_days: 10, channel: 'in_store', coupon_template_id: 9, messages: {} },
      ],
    })
  })
  it('reads a saved journey back into the editor, steps in order, missing languages blank', () => {
    const v = journeyValues({
      kind: 'birthday',
      name: 'B',
      trigger_days: 3,
      active: false,
      steps: [
        { step_no: 2, delay_days: 1, channel: 'sms', coupon_template_id: null, messages: { en: { subject: null, body: 'Later' } } },
        { step_no: 1, delay_days: 0, channel: 'email', coupon_template_id: 2, messages: { 'zh-CN': { subject: '生日', body: '生日快乐' } } },
      ],
    })
    expect(v.steps.map((s) => s.channel)).toEqual(['email', 'sms'])
    expect(v.steps[0].messages).toEqual({ 'zh-CN': { subject: '生日', body: '生日快乐' }, en: { subject: '', body: '' } })
    expect(v.steps[1].messages.en).toEqual({ subject: '', body: 'Later' })
    expect(journeyInput(v).steps.map((s) => s.step_no)).toEqual([1, 2])
  })
  it('words the trigger in each language', () => {
    expect(triggerText('welcome', 0)).toBe('When a customer joins')
    expect(triggerText('winback', 60)).toBe('No purchase for 60 days')
    expect(triggerText('winback', 1)).toBe('No purchase for 1 day')
    expect(triggerText('birthday', 3)).toBe('3 days before the birthday')
    expect(triggerText('birthday', 0)).toBe('On the birthday')
    setLocale('zh-CN')
    expect(triggerText('winback', 60)).toBe('60 天未购买')
    expect(triggerText('birthday', 3)).toBe('生日前 3 天')
  })
})
