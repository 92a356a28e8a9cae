/* static.c — the web UI's files, served from one directory without escaping it. */
#include "http/http.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".woff", "font/woff"},
	{".ttf", "font/ttf"},
	{".txt", "text/plain; charset=utf-8"},
	{".map", "application/json; charset=utf-8"},
};

static const char *mime_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return NULL;
	for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
		if (strcmp(dot, mime_types[i].ext) == 0)
			return mime_types[i].type;
	return NULL;
}

/* path_is_clean: absolute, no empty/"."/".."/hidden segments, no backslash. */
static bool path_is_clean(const char *p)
{
	if (p[0] != '/')
		return false;
	if (strchr(p, '\\'))
		return false;
	const char *s = p + 1;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 && e)
			return false;
		if (n > 0 && s[0] == '.')
			return false; /* ".", "..", ".git", ".env" */
		if (!e)
			break;
		s = e + 1;
	}
	return true;
}

static void send_file(http_req *r, const char *root, const char *rel)
{
	char full[PATH_MAX];
	int n = snprintf(full, sizeof full, "%s%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof full) {
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	char real[PATH_MAX];
	if (!realpath(full, real)) {
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	size_t rl = strlen(root);
	if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0')) {
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	const char *type = mime_for(real);
	if (!type) {
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	if (http_add_header(r, "Cache-Control", "no-cache")) {
		close(fd);
		http_problem(r, 500, "internal", NULL, NULL);
		return;
	}
	http_reply_file(r, 200, type, fd, (uint64_t)st.st_size);
}

void http_serve_static(http_req *r, const char *root)
{
	const char *m = http_method(r);
	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
		http_problem(r, 405, "method-not-allowed", "static files are read-only", NULL);
		return;
	}
	const char *p = http_path(r);
	if (!path_is_clean(p)) {
		http_problem(r, 404, "not-found", "no such file", NULL);
		return;
	}
	if (strcmp(p, "/") == 0 || !mime_for(p)) {
		/* The UI's own routes (/cases/..., /search) all load the shell. */
		send_file(r, root, "/index.html");
		return;
	}
	send_file(r, root, p);
}
