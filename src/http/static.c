/* static.c: files of web/dist. Paths with "..", hidden files or bytes out of
 * the safe set are refused; unknown paths without an extension fall back to
 * index.html so that the single-page app handles them. */
#include "http/static.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".woff", "font/woff"},
	{".ttf", "font/ttf"},
	{".txt", "text/plain; charset=utf-8"},
	{".webmanifest", "application/manifest+json"},
};

static const char *mime(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof types / sizeof *types; i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

static int safe_path(const char *url)
{
	if (url[0] != '/')
		return 0;
	for (const char *p = url; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 || ch == '\\' || ch == 0x7f)
			return 0;
		if (p[0] == '/' && p[1] == '.')
			return 0; /* "..", ".git", hidden files */
	}
	return strlen(url) < 512;
}

static struct MHD_Response *text(const char *s)
{
	return MHD_create_response_from_buffer(strlen(s), (void *)s, MHD_RESPMEM_PERSISTENT);
}

int static_serve(struct MHD_Connection *c, const char *dir, const char *url,
		 struct MHD_Response **resp)
{
	char path[1024];
	struct stat st;
	int fd = -1;
	const char *name = url;
	if (safe_path(url)) {
		if (strcmp(url, "/") == 0)
			name = "/index.html";
		snprintf(path, sizeof path, "%s%s", dir, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			fd = -1;
		}
		const char *last = strrchr(name, '/');
		if (fd < 0 && last && !strchr(last, '.')) {
			name = "/index.html"; /* client-side route */
			snprintf(path, sizeof path, "%s%s", dir, name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 && fstat(fd, &st) < 0) {
				close(fd);
				fd = -1;
			}
		}
	}
	if (fd < 0) {
		*resp = text("not found\n");
		MHD_add_response_header(*resp, "Content-Type", "text/plain; charset=utf-8");
		return 404;
	}
	char etag[64];
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
		 (unsigned long long)st.st_size);
	/* Vite puts content hashes in /assets/ names: those never change. */
	const char *cache = strncmp(name, "/assets/", 8) == 0
				    ? "public, max-age=31536000, immutable"
				    : "no-cache";
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		*resp = text("");
		MHD_add_response_header(*resp, "ETag", etag);
		MHD_add_response_header(*resp, "Cache-Control", cache);
		return 304;
	}
	*resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	MHD_add_response_header(*resp, "Content-Type", mime(name));
	MHD_add_response_header(*resp, "ETag", etag);
	MHD_add_response_header(*resp, "Cache-Control", cache);
	return 200;
}
