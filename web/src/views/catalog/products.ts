// How the catalog's product pickers show a product: its name, with the SKU
// and price beside it (the search itself is utils/lookup's searchProducts).
import type { ProductChoiceStyle } from '@/utils/lookup'

export const productChoice: ProductChoiceStyle = { label: 'name', hint: 'sku-price' }
