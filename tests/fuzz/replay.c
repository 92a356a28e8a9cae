/* replay.c — a main for fuzz targets built without libFuzzer: runs every file
 * of the corpus directories (or files) given as arguments through
 * LLVMFuzzerTestOneInput once and reports one TAP line per directory. A crash,
 * a sanitizer report or a leak fails the test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	printf("1..%d\n", argc - 1);
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int ran = 0, bad = 0;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			char **names = NULL;
			size_t nn = 0;
			struct dirent *e;
			while (d && (e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				names = realloc(names, (nn + 1) * sizeof *names);
				names[nn++] = strdup(e->d_name);
			}
			if (d)
				closedir(d);
			if (nn)
				qsort(names, nn, sizeof *names, cmp);
			for (size_t k = 0; k < nn; k++) {
				char p[4096];
				snprintf(p, sizeof p, "%s/%s", argv[i], names[k]);
				if (run_file(p))
					bad++;
				else
					ran++;
				free(names[k]);
			}
			free(names);
		} else if (run_file(argv[i])) {
			bad++;
		} else {
			ran++;
		}
		if (ran == 0 || bad)
			failed++;
		printf("%s %d - replay %s: %d inputs%s\n", ran && !bad ? "ok" : "not ok", i, argv[i], ran,
		       bad ? " (unreadable files)" : "");
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
