/*
 * test_server.c: starts the real `skillmatch serve` on a free loopback port
 * and talks HTTP to it over a socket.
 */
#include "tests/unit/check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* Sends a raw request; returns the whole response (caller frees) or NULL. */
static char *http(int port, const char *request)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return NULL;
    }
    if (write(fd, request, strlen(request)) < 0) {
        close(fd);
        return NULL;
    }
    char *buf = calloc(1, 65536);
    size_t n = 0;
    ssize_t got;
    while (n < 65535 && (got = read(fd, buf + n, 65535 - n)) > 0)
        n += (size_t)got;
    close(fd);
    return buf;
}

static pid_t start(int port)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        execl("build/skillmatch", "skillmatch", "serve", "--listen", listen, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        char *r = http(port, "GET /health HTTP/1.0\r\n\r\n");
        if (r) {
            free(r);
            return pid;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return pid;
}

static int stop(pid_t pid)
{
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void health_and_errors(void)
{
    int port = free_port();
    pid_t pid = start(port);
    char *r = http(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(r != NULL);
    CHECK_HAS(r, "HTTP/1.1 200");
    CHECK_HAS(r, "Content-Type: application/json");
    CHECK_HAS(r, "\"status\":\"ok\"");
    CHECK_HAS(r, "\"skills\":");
    free(r);
    r = http(port, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK_HAS(r, "HTTP/1.1 404");
    CHECK_HAS(r, "application/problem+json");
    CHECK_HAS(r, "\"status\":404");
    free(r);
    r = http(port, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: "
                   "close\r\n\r\nabc");
    CHECK_HAS(r, "HTTP/1.1 405");
    free(r);
    /* Garbage is refused without harming the server. */
    r = http(port, "\x01\x02garbage\r\n\r\n");
    free(r);
    r = http(port, "GET /health HTTP/1.0\r\n\r\n");
    CHECK_HAS(r, "200");
    free(r);
    CHECK_INT(stop(pid), 0);
}

static void refuses_bad_listen_address(void)
{
    int status = system("build/skillmatch serve --listen nowhere >/dev/null 2>&1");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}

SM_TEST_MAIN("test_server", T(health_and_errors), T(refuses_bad_listen_address))
