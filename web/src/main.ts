// Entry of the browser UI: Pinia, the router, i18n, and the service worker
// that keeps the app shell for offline selling.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-notification.css'
import './styles.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { setUnauthorizedHandler } from './api/client'
import { useAuth } from './stores/auth'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)

// An expired session: back to login ("sign in again"), then to where the user was.
setUnauthorizedHandler(() => {
  const auth = useAuth()
  const here = router.currentRoute.value
  if (!auth.user || here.meta.public) return // not signed in yet: the router guard handles it
  auth.expire()
  void router.push({ name: 'login', query: { next: here.fullPath, expired: '1' } })
})

app.mount('#app')

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  import('virtual:pwa-register').then(({ registerSW }) => registerSW({ immediate: true }))
}
