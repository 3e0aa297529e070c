/*
 * test_messages.c: the French catalog of the API's messages (api/messages.c): sorted for its
 * binary search, each French format with the English one's conversions in the same order
 * (so that both can be given the same arguments), and every message that api/ writes with
 * sm_field_error, sm_problem or sm_msg present in it (found by reading the sources).
 */
#include "api/messages.h"
#include "tests/unit/check.h"

#include <dirent.h>

/* The printf conversions of fmt ("%zu%s" for "at %zu of %s"), into out. */
static void conversions(const char *fmt, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = fmt; *p && n + 8 < cap; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        out[n++] = '%';
        while (*p && !strchr("diouxXeEfgGsczp", *p) && n + 2 < cap)
            out[n++] = *p++;
        if (*p)
            out[n++] = *p;
        else
            break;
    }
    out[n] = '\0';
}

static void catalog_is_sorted_and_consistent(void)
{
    size_t n = sm_msg_count();
    CHECK(n > 50);
    const char *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *en, *fr;
        sm_msg_pair(i, &en, &fr);
        if (prev && strcmp(prev, en) >= 0) {
            fprintf(stderr, "    out of order: \"%s\" after \"%s\"\n", en, prev);
            CHECK(0);
        }
        prev = en;
        char a[64], b[64];
        conversions(en, a, sizeof a);
        conversions(fr, b, sizeof b);
        if (strcmp(a, b) != 0) {
            fprintf(stderr, "    \"%s\" has %s, its French %s\n", en, a, b);
            CHECK(0);
        }
        CHECK_STR(sm_msg(en, SM_LANG_FR), fr);
        CHECK_STR(sm_msg(en, SM_LANG_EN), en);
    }
    CHECK_STR(sm_msg("not in the catalog", SM_LANG_FR), "not in the catalog");
    CHECK_STR(sm_msg_status_title(404, SM_LANG_FR), "Introuvable");
    CHECK_STR(sm_msg_status_title(404, SM_LANG_EN), "Not Found");
}

/* Appends the C string literal at *p (and those adjacent to it) to out; *p moves past them. */
static void read_literals(const char **p, char *out, size_t cap)
{
    size_t n = strlen(out);
    for (;;) {
        while (**p == ' ' || **p == '\n' || **p == '\t')
            (*p)++;
        if (**p != '"')
            return;
        (*p)++;
        while (**p && **p != '"') {
            if (**p == '\\' && (*p)[1]) {
                (*p)++;
                char c = **p == 'n' ? '\n' : **p;
                if (n + 1 < cap)
                    out[n++] = c;
            } else if (n + 1 < cap)
                out[n++] = **p;
            (*p)++;
        }
        if (**p)
            (*p)++;
        out[n] = '\0';
    }
}

/*
 * Checks every format of sm_field_error(fe, field, FORMAT, …), sm_problem(resp, status,
 * FORMAT, …), sm_msg(FORMAT, lang) and sm_msg_format(out, cap, lang, FORMAT, …) calls in text: the
 * literals of the third argument (both branches of a ?:).
 */
static int check_source(const char *name, const char *text)
{
    int missing = 0;
    static const char *const calls[] = {"sm_field_error(", "sm_problem(", "sm_msg(",
                                        "sm_msg_format(", NULL};
    static const int before[] = {2, 2, 0, 3}; /* commas before the message */
    for (size_t c = 0; calls[c]; c++) {
        for (const char *p = strstr(text, calls[c]); p; p = strstr(p + 1, calls[c])) {
            if (p > text && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z')))
                continue; /* another function's name ends so */
            const char *q = p + strlen(calls[c]);
            int depth = 1, commas = 0;
            while (*q && depth > 0 && commas < before[c]) {
                if (*q == '"') {
                    q++;
                    while (*q && *q != '"')
                        q += *q == '\\' ? 2 : 1;
                } else if (*q == '(' || *q == '[' || *q == '{')
                    depth++;
                else if (*q == ')' || *q == ']' || *q == '}')
                    depth--;
                else if (*q == ',' && depth == 1)
                    commas++;
                if (*q)
                    q++;
            }
            if (commas < before[c])
                continue; /* the declaration, or a call through a variable */
            /* The argument: literals, possibly both sides of cond ? "a" : "b". */
            depth = 1;
            while (*q && depth > 0) {
                if (*q == '"') {
                    char fmt[1024] = "";
                    read_literals(&q, fmt, sizeof fmt);
                    if (strcmp(fmt, "%s") != 0 && !sm_msg_known(fmt)) {
                        fprintf(stderr, "    %s: not in the catalog: \"%s\"\n", name, fmt);
                        missing++;
                    }
                    continue;
                }
                if (*q == '(')
                    depth++;
                else if (*q == ')')
                    depth--;
                else if (*q == ',' && depth == 1)
                    break;
                q++;
            }
        }
    }
    return missing;
}

static void every_api_message_is_translated(void)
{
    DIR *d = opendir("api");
    if (!d)
        SKIP("run from the project's top directory (api/ not found)");
    struct dirent *e;
    int files = 0, missing = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "api/%s", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        static char text[1 << 20];
        size_t len = fread(text, 1, sizeof text - 1, f);
        text[len] = '\0';
        fclose(f);
        files++;
        missing += check_source(path, text);
    }
    closedir(d);
    CHECK(files > 10);
    CHECK_INT(missing, 0);
}

SM_TEST_MAIN("test_messages", T(catalog_is_sorted_and_consistent),
             T(every_api_message_is_translated))
