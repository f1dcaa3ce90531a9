/* test_buf.c: the capped growable buffer and the arena allocator. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"

static void test_buf_basic(void **state)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s;

	assert_int_equal(buf_puts(&b, "hello"), 0);
	assert_int_equal(buf_putc(&b, ' '), 0);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_int_equal(buf_append(&b, "!?", 1), 0);
	assert_int_equal(b.len, 11);
	assert_string_equal(b.data, "hello 42-x!");
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_int_equal(b.len, 11);
	assert_true(b.cap > b.len);

	s = buf_detach(&b, &len);
	assert_string_equal(s, "hello 42-x!");
	assert_int_equal(len, 11);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	buf_release(&b);
}

static void test_buf_growth(void **state)
{
	struct buf b;
	char big[5000];

	buf_init(&b, 0);
	assert_true(b.max == SIZE_MAX);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_printf(&b, "%04d,", i), 0);
	assert_int_equal(b.len, 5000);
	assert_int_equal(strlen(b.data), 5000);
	assert_memory_equal(b.data, "0000,0001,", 10);
	assert_memory_equal(b.data + 4995, "0999,", 5);

	/* one printf much longer than the free room */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, 5001);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[5000], '>');
	assert_int_equal(b.data[5001], '\0');
	buf_release(&b);
	assert_null(b.data);
}

static void test_buf_cap_sticky(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_puts(&b, "678"), 0);  /* exactly max */
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_putc(&b, '9'), -1);
	assert_true(b.failed);
	assert_string_equal(b.data, "12345678");
	/* sticky: even an empty append now fails */
	assert_int_equal(buf_append(&b, "", 0), -1);
	assert_int_equal(buf_printf(&b, "%s", ""), -1);
	assert_int_equal(b.len, 8);

	buf_reset(&b);
	assert_false(b.failed);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_printf(&b, "%d", 1234567), 0);
	/* printf past the cap fails, keeps the earlier text terminated */
	assert_int_equal(buf_printf(&b, "%s", "abc"), -1);
	assert_true(b.failed);
	assert_int_equal(b.len, 7);
	assert_string_equal(b.data, "1234567");
	buf_release(&b);

	/* a failing printf on a buffer that never allocated */
	buf_init(&b, 3);
	assert_int_equal(buf_printf(&b, "%s", "abcd"), -1);
	assert_true(b.failed);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_buf_overflow(void **state)
{
	struct buf b = BUF_INIT;

	assert_int_equal(buf_puts(&b, "ab"), 0);
	/* len + n would wrap around SIZE_MAX: refused, nothing allocated */
	assert_int_equal(buf_append(&b, "x", SIZE_MAX - 1), -1);
	assert_true(b.failed);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	buf_release(&b);
}

static void test_buf_detach_empty(void **state)
{
	struct buf b;
	size_t len = 5;
	char *s;

	buf_init(&b, 10);
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	/* the buffer is usable again after detach */
	assert_int_equal(buf_puts(&b, "ok"), 0);
	assert_string_equal(b.data, "ok");
	buf_release(&b);
}

static void test_arena_alloc(void **state)
{
	struct arena *a = arena_new();
	unsigned char *p[200];
	size_t want = 0;

	assert_int_equal(arena_used(a), 0);
	for (size_t i = 0; i < 200; i++) {
		size_t n = (i * 37) % 700;

		p[i] = arena_alloc(a, n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[i][k], 0);
		memset(p[i], 0xAB, n);
		want += n;
	}
	/* no two blocks overlap: each still holds its own pattern */
	for (size_t i = 0; i < 200; i++) {
		size_t n = (i * 37) % 700;

		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[i][k], 0xAB);
	}
	assert_true(arena_used(a) >= want);
	assert_true(arena_used(a) <= want + 200 * 16);

	/* size 0 still gives a distinct usable pointer */
	assert_non_null(arena_alloc(a, 0));
	assert_true(arena_alloc(a, 0) != arena_alloc(a, 0));
	arena_free(a);
	arena_free(NULL);
}

static void test_arena_big(void **state)
{
	struct arena *a = arena_new();
	unsigned char *small1 = arena_alloc(a, 32);
	unsigned char *big = arena_alloc(a, 1 << 20);
	unsigned char *small2 = arena_alloc(a, 32);
	size_t i;

	assert_int_equal((uintptr_t)big % 16, 0);
	for (i = 0; i < (1u << 20); i++)
		if (big[i])
			break;
	assert_int_equal(i, 1u << 20);
	memset(big, 0xFF, 1 << 20);
	/* the big block does not end the small chunk: small blocks stay close */
	assert_true(small2 == small1 + 32);
	assert_int_equal(small2[0], 0);
	assert_true(arena_used(a) >= (1u << 20) + 64);

	int *v = arena_calloc(a, 1000, sizeof(int));
	for (i = 0; i < 1000; i++)
		assert_int_equal(v[i], 0);
	arena_free(a);
}

static void test_arena_strings(void **state)
{
	struct arena *a = arena_new();
	char longs[20000];
	char *s;

	assert_null(arena_strdup(a, NULL));
	assert_null(arena_strndup(a, NULL, 3));
	assert_string_equal(arena_strdup(a, "商品"), "商品");
	assert_string_equal(arena_strdup(a, ""), "");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_strndup(a, "ab", 10), "ab");
	assert_string_equal(arena_printf(a, "%s=%d", "n", -7), "n=-7");

	memset(longs, 'q', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	s = arena_printf(a, "[%s]", longs);
	assert_int_equal(strlen(s), sizeof(longs) + 1);
	assert_int_equal(s[0], '[');
	assert_int_equal(s[sizeof(longs)], ']');
	arena_free(a);
}

static void test_xalloc(void **state)
{
	char *s = xstrdup("tersa");
	int *z = xcalloc(64, sizeof(int));
	char *m = xmalloc(0);

	assert_string_equal(s, "tersa");
	for (int i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	s = xrealloc(s, 100000);
	assert_string_equal(s, "tersa");
	assert_non_null(m);
	assert_null(xstrdup(NULL));
	free(s);
	free(z);
	free(m);
}

/* Runs fn in a child with stderr closed; returns the signal it died of. */
static int dies_with(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		close(2);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void calloc_overflow(void)
{
	struct arena *a = arena_new();

	arena_calloc(a, SIZE_MAX / 2, 4);
}

static void alloc_overflow(void)
{
	struct arena *a = arena_new();

	arena_alloc(a, SIZE_MAX - 3);
}

static void xcalloc_overflow(void)
{
	xcalloc(SIZE_MAX / 8, 16);
}

static void test_overflow_aborts(void **state)
{
	assert_int_equal(dies_with(calloc_overflow), SIGABRT);
	assert_int_equal(dies_with(alloc_overflow), SIGABRT);
	assert_int_equal(dies_with(xcalloc_overflow), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_growth),
		cmocka_unit_test(test_buf_cap_sticky),
		cmocka_unit_test(test_buf_overflow),
		cmocka_unit_test(test_buf_detach_empty),
		cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test(test_arena_big),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_xalloc),
		cmocka_unit_test(test_overflow_aborts),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
