/*
 * check.h: the test harness. Each test is a function; sm_test_main runs each
 * one in its own process (fork) with a time limit, so a crash or a hang fails
 * that test alone. A test fails when any CHECK fails; SKIP ends it as skipped
 * with a visible reason. The suite's last line is
 *   "<suite>: N passed, N failed, N skipped"
 * which tests/run.sh adds up.
 */
#ifndef SM_CHECK_H
#define SM_CHECK_H

#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct sm_test {
    const char *name;
    void (*fn)(void);
} sm_test;

static int sm__failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);           \
            sm__failures++;                                                                        \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long sm__a = (long long)(a), sm__b = (long long)(b);                                  \
        if (sm__a != sm__b) {                                                                      \
            fprintf(stderr, "    %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__,    \
                    #a, sm__a, #b, sm__b);                                                         \
            sm__failures++;                                                                        \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sm__a = (a), *sm__b = (b);                                                     \
        if (!sm__a || !sm__b || strcmp(sm__a, sm__b) != 0) {                                       \
            fprintf(stderr, "    %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,  \
                    sm__a ? sm__a : "(null)", sm__b ? sm__b : "(null)");                           \
            sm__failures++;                                                                        \
        }                                                                                          \
    } while (0)

/* Checks that haystack contains needle. */
#define CHECK_HAS(haystack, needle)                                                                \
    do {                                                                                           \
        const char *sm__h = (haystack), *sm__n = (needle);                                         \
        if (!sm__h || !strstr(sm__h, sm__n)) {                                                     \
            fprintf(stderr, "    %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,     \
                    sm__h ? sm__h : "(null)", sm__n);                                              \
            sm__failures++;                                                                        \
        }                                                                                          \
    } while (0)

#define SKIP(reason)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "    skipped: %s\n", reason);                                              \
        exit(77);                                                                                  \
    } while (0)

/* Where the shared data lives: $SKILLMATCH_DATA, default ../shared/data. */
static inline const char *sm_test_data_dir(void)
{
    const char *dir = getenv("SKILLMATCH_DATA");
    return dir && *dir ? dir : "../shared/data";
}

/* LeakSanitizer's on-demand check, present only in sanitized builds (a weak reference). */
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static inline int sm_test_main(const char *suite, const sm_test *tests, size_t count, int argc,
                               char **argv)
{
    json_set_alloc_funcs(sm_json_malloc, sm_json_free); /* as the binary does */
    int passed = 0, failed = 0, skipped = 0;
    unsigned timeout = getenv("SM_TEST_TIMEOUT") ? (unsigned)atoi(getenv("SM_TEST_TIMEOUT")) : 120;
    for (size_t i = 0; i < count; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
            continue;
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(timeout);
            tests[i].fn();
            fflush(stdout);
            /* Under LeakSanitizer (the sanitized build), what the test left allocated fails it:
             * _exit skips the check LSan makes at exit, so it is asked for here. */
            if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check()) {
                fprintf(stderr, "    leaks: see LeakSanitizer's report above\n");
                _exit(1);
            }
            _exit(sm__failures ? 1 : 0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            printf("  ok      %s\n", tests[i].name);
            passed++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
            printf("  skip    %s\n", tests[i].name);
            skipped++;
        } else {
            if (WIFSIGNALED(status))
                printf("  FAIL    %s (signal %d%s)\n", tests[i].name, WTERMSIG(status),
                       WTERMSIG(status) == SIGALRM ? ", timed out" : "");
            else
                printf("  FAIL    %s\n", tests[i].name);
            failed++;
        }
    }
    printf("%s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped);
    return failed ? 1 : 0;
}

#define SM_TEST_MAIN(suite, ...)                                                                   \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        static const sm_test tests[] = {__VA_ARGS__};                                              \
        return sm_test_main(suite, tests, sizeof tests / sizeof tests[0], argc, argv);             \
    }
#define T(fn)                                                                                      \
    {                                                                                              \
#fn, fn                                                                                    \
    }

#endif
