/* test_router.c: path matching, {id} parsing, methods and permissions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/router.h"

/* The index of the route with this method and pattern, or -1. */
static int route_index(enum http_method m, const char *pattern)
{
	for (int i = 0; i < routes_count; i++)
		if (routes[i].method == m && strcmp(routes[i].path, pattern) == 0)
			return i;
	return -1;
}

static void test_exact_and_id(void **state)
{
	(void)state;
	int64_t ids[REQ_MAX_IDS] = {0};
	int n = -1;
	int i = router_match(M_GET, "/api/v1/products", ids, &n);
	assert_int_equal(i, route_index(M_GET, "/api/v1/products"));
	assert_int_equal(n, 0);

	i = router_match(M_GET, "/api/v1/products/42", ids, &n);
	assert_int_equal(i, route_index(M_GET, "/api/v1/products/{id}"));
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 42);

	i = router_match(M_PATCH, "/api/v1/stores/9223372036854775807", ids, &n);
	assert_int_equal(i, route_index(M_PATCH, "/api/v1/stores/{id}"));
	assert_int_equal(ids[0], INT64_MAX);
}

static void test_bad_ids(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"/api/v1/products/0", "/api/v1/products/007", "/api/v1/products/-1",
		"/api/v1/products/abc", "/api/v1/products/1e3", "/api/v1/products/12a",
		"/api/v1/products/9223372036854775808", "/api/v1/products/",
		"/api/v1/products/1/", "/api/v1/products//1",
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		int64_t ids[REQ_MAX_IDS];
		int n;
		int rc = router_match(M_GET, bad[k], ids, &n);
		if (rc != ERR_NOT_FOUND)
			fail_msg("%s matched (rc %d)", bad[k], rc);
	}
}

static void test_methods(void **state)
{
	(void)state;
	int64_t ids[REQ_MAX_IDS];
	int n;
	/* The path exists with other methods: 405, not 404. */
	assert_int_equal(router_match(M_DELETE, "/api/v1/stores/3", ids, &n),
			 ERR_METHOD_NOT_ALLOWED);
	assert_int_equal(router_match(M_PUT, "/api/v1/products", ids, &n),
			 ERR_METHOD_NOT_ALLOWED);
	assert_int_equal(router_match(M_GET, "/api/v1/nothing", ids, &n), ERR_NOT_FOUND);
	/* HEAD is answered by the GET route. */
	assert_int_equal(router_match(M_HEAD, "/api/v1/health", ids, &n),
			 route_index(M_GET, "/api/v1/health"));
	assert_int_equal(router_method("PATCH"), M_PATCH);
	assert_int_equal(router_method("patch"), 0);
	assert_int_equal(router_method("TRACE"), 0);
	assert_string_equal(router_method_name(M_DELETE), "DELETE");
}

static void test_permissions(void **state)
{
	(void)state;
	assert_true(perm_allows(PERM_PUBLIC, 0));
	assert_true(perm_allows(PERM_AUTH, ROLE_SALES));
	assert_true(perm_allows(PERM_USERS_WRITE, ROLE_ADMIN));
	assert_false(perm_allows(PERM_USERS_WRITE, ROLE_HQ));
	assert_true(perm_allows(PERM_CATALOG_WRITE, ROLE_HQ));
	assert_false(perm_allows(PERM_CATALOG_WRITE, ROLE_STORE_MANAGER));
	assert_false(perm_allows(PERM_AUDIT_READ, ROLE_SALES));
	assert_true(perm_allows(PERM_CATALOG_READ, ROLE_SERVICE));
}

/* Every route's handler exists, no pattern repeats with the same method, and
 * every non-public route names a permission some role holds. */
static void test_table_sane(void **state)
{
	(void)state;
	assert_true(routes_count > 20);
	for (int i = 0; i < routes_count; i++) {
		assert_non_null(routes[i].handler);
		assert_true(routes[i].path[0] == '/');
		for (int j = i + 1; j < routes_count; j++)
			if (routes[i].method == routes[j].method &&
			    strcmp(routes[i].path, routes[j].path) == 0)
				fail_msg("route %s listed twice", routes[i].path);
		if (routes[i].perm != PERM_PUBLIC)
			assert_true(perm_roles[routes[i].perm] != 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_and_id),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_table_sane),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
