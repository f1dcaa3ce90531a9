import type { RouteRecordRaw } from 'vue-router'
import { Discount, Goods, Menu } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/catalog/products',
    name: 'catalog-products',
    component: () => import('./ProductsView.vue'),
    meta: { perm: ['CATALOG_READ', 'BACKOFFICE'], nav: { area: 'catalog', order: 30, item: 'products', icon: Goods }, title: 'catalog.nav.products' },
  },
  {
    path: '/catalog/products/:id(\\d+)',
    name: 'catalog-product',
    component: () => import('./ProductView.vue'),
    meta: { perm: ['CATALOG_READ', 'BACKOFFICE'], area: 'catalog', title: 'catalog.product.detail' },
  },
  {
    path: '/catalog/categories',
    name: 'catalog-categories',
    component: () => import('./CategoriesView.vue'),
    meta: { perm: ['CATALOG_READ', 'BACKOFFICE'], nav: { area: 'catalog', order: 31, item: 'categories', icon: Menu }, title: 'catalog.nav.categories' },
  },
  {
    path: '/catalog/promotions',
    name: 'catalog-promotions',
    component: () => import('./PromotionsView.vue'),
    meta: { perm: ['PROMOTIONS_READ', 'BACKOFFICE'], nav: { area: 'catalog', order: 32, item: 'promotions', icon: Discount }, title: 'catalog.nav.promotions' },
  },
]
