/* catalog_fx.h: products and categories made for catalog unit tests. */
#ifndef TERSA_TEST_CATALOG_FX_H
#define TERSA_TEST_CATALOG_FX_H

#include "dbfx.h"
#include "domain/catalog/category.h"
#include "domain/catalog/product.h"

static inline struct product_input pin(const char *sku, const char *barcode,
				const char *name, int64_t price)
{
	struct product_input in = {0};

	in.sku = sku;
	in.barcode = barcode;
	in.name = name;
	in.price = price;
	in.cost = -1;
	in.vat_rate = 1300;
	in.active = -1;
	in.set_price = in.set_vat = 1;
	return in;
}

static inline struct product *mk_product(struct fx *f, const char *sku,
				  const char *barcode, const char *name,
				  int64_t category_id)
{
	struct product_input in = pin(sku, barcode, name, 100);
	struct product *p = NULL;

	in.category_id = category_id;
	err_init(&f->e);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e), 0);
	return p;
}

static inline struct category *mk_category(struct fx *f, const char *name,
				    int64_t parent)
{
	struct category_input in = {0};
	struct category *c = NULL;

	in.name = name;
	in.parent_id = parent;
	in.set_name = 1;
	in.set_parent = parent != 0;
	err_init(&f->e);
	assert_int_equal(category_create(f->db, f->a, &f->who, &in, &c, &f->e), 0);
	return c;
}

#endif
