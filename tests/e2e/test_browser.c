/*
 * test_browser.c: the web pages in a real browser (issue 24). The harness starts PostgreSQL
 * and the server with the fixtures; tests/browser/run.js drives Debian's chromium through
 * playwright-core: the three users' journeys, axe-core on every page in each state, the kept
 * key out of scripts' reach, screenshots (build/screens/), page weights and the first render
 * on a throttled connection. Skipped, visibly, when chromium or the npm packages are missing
 * (make deps-test installs them).
 */
#include "tests/e2e/harness.h"

#include <unistd.h>

static void pages_in_a_real_browser(void)
{
    const char *chromium = getenv("SM_CHROMIUM") ? getenv("SM_CHROMIUM") : "/usr/bin/chromium";
    if (access(chromium, X_OK) != 0)
        SKIP("no chromium (Debian's package chromium; make deps-test installs it)");
    if (access("tests/browser/node_modules/playwright-core", R_OK) != 0 ||
        access("tests/browser/node_modules/axe-core", R_OK) != 0)
        SKIP("tests/browser's npm packages are missing (make deps-test installs them)");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "node tests/browser/run.js http://127.0.0.1:%d '%s' '%s' build/screens 2>&1", port,
             org_a, tp_key);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p)
        return;
    char line[2048];
    int finished = 0;
    while (fgets(line, sizeof line, p)) {
        fputs(line, stderr);
        if (strstr(line, "browser: ") == line && strstr(line, " 0 failed"))
            finished = 1;
    }
    int rc = pclose(p);
    CHECK(finished);
    CHECK_INT(rc, 0);
}

int main(int argc, char **argv)
{
    static const sm_test tests[] = {T(pages_in_a_real_browser)};
    setenv("SM_TEST_TIMEOUT", "600", 0); /* a browser's journeys take a few minutes */
    return e2e_main("test_browser", NULL, tests, sizeof tests / sizeof *tests, argc, argv);
}
