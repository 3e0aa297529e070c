/*
 * http.h: what the end-to-end tests need to drive the real service: a
 * private PostgreSQL cluster in a temporary directory (sql/pg-private.sh,
 * which runs it as an unprivileged user when we are root), the CLI, the
 * server as a child process, and a small HTTP/1.1 client over a socket that
 * parses JSON answers with jansson.
 */
#ifndef SM_TEST_HTTP_H
#define SM_TEST_HTTP_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct reply {
    int status;
    char headers[4096];
    char *body;   /* NUL-terminated */
    json_t *json; /* NULL when the body is not JSON */
} reply;

static inline void reply_free(reply *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

static inline int test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* The source address of the next requests ("127.0.0.2"…); NULL: the system's choice. Tests of
 * per-address limits use their own address, so that the rest of the suite does not count. */
static const char *http_source;

/* "Name: value" lines of a header block as [[name, value], …] (the status line skipped). */
static inline json_t *header_list(const char *block, int skip_first)
{
    json_t *list = json_array();
    const char *line = block;
    for (int first = 1; line && *line; first = 0) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *colon = memchr(line, ':', len);
        if (!(first && skip_first) && colon && len) {
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            json_array_append_new(list, json_pack("[s%, s%]", line, (size_t)(colon - line), v,
                                                  (size_t)(line + len - v)));
        }
        line = end ? end + 2 : NULL;
    }
    return list;
}

/*
 * With SM_CONTRACT_LOG set, every exchange is appended to that file as one JSON line (method,
 * path, headers and bodies as sent and received) for tests/contract/validate-log.js, which
 * checks it against api/openapi.json. A request the server refused (4xx) may break the
 * document's request rules on purpose; any other may not.
 */
/* Logs one exchange in this many (a suite sending thousands of the same requests samples them). */
static unsigned http_log_every;

static inline void contract_log(const char *method, const char *path, const char *head,
                                const char *body, size_t body_len, const reply *r)
{
    static unsigned seen;
    const char *file = getenv("SM_CONTRACT_LOG");
    if (!file || !*file || !r->status || !strncmp(path, "/v1/test/", 9))
        return; /* test hooks are not part of the API */
    if (http_log_every > 1 && seen++ % http_log_every)
        return;
    const char *crlf = strstr(head, "\r\n");
    json_t *x = json_pack("{s:s, s:s, s:o, s:o, s:i, s:o, s:s, s:b}", "method", method, "path",
                          path, "request_headers", header_list(crlf ? crlf + 2 : "", 0),
                          "request_body", body ? json_stringn(body, body_len) : json_null(),
                          "status", r->status, "response_headers", header_list(r->headers, 1),
                          "response_body", r->body ? r->body : "", "expect_request_violation",
                          r->status >= 400 && r->status < 500);
    char *line = x ? json_dumps(x, JSON_COMPACT) : NULL;
    json_decref(x);
    /* One write(2) of the whole line with O_APPEND: lines of several threads (test_soak) never
     * interleave, as stdio's buffered pieces did. */
    size_t n = line ? strlen(line) : 0;
    char *whole = line ? realloc(line, n + 2) : NULL;
    if (whole) {
        line = whole;
        line[n] = '\n';
        int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd >= 0) {
            if (write(fd, line, n + 1) != (ssize_t)(n + 1))
                fprintf(stderr, "contract log: a short write to %s\n", file);
            close(fd);
        }
    }
    free(line);
}

/* One request; extra_headers is "Name: value\r\n"… or NULL. Returns 0, or -1 when no answer. */
static inline int http_request(int port, const char *method, const char *path, const char *key,
                               const char *extra_headers, const char *body, size_t body_len,
                               reply *out)
{
    memset(out, 0, sizeof *out);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    if (http_source) {
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        inet_pton(AF_INET, http_source, &a.sin_addr);
        bind(fd, (struct sockaddr *)&a, sizeof a);
    }
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    char head[8192];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s%s%s%s", method,
                     path, key ? "Authorization: Bearer " : "", key ? key : "", key ? "\r\n" : "",
                     extra_headers ? extra_headers : "");
    /* JSON unless the caller says what it sends. */
    if (body && !(extra_headers && strcasestr(extra_headers, "Content-Type:")))
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: application/json\r\n");
    if (body)
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", body_len);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    ssize_t w = write(fd, head, (size_t)n);
    size_t sent = 0;
    while (w >= 0 && body && sent < body_len) {
        ssize_t k = write(fd, body + sent, body_len - sent);
        if (k <= 0)
            break;
        sent += (size_t)k;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    ssize_t got;
    while ((got = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    close(fd);
    buf[len] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (len < 12 || !end) {
        free(buf);
        return -1;
    }
    out->status = atoi(buf + 9);
    size_t hl = (size_t)(end - buf);
    if (hl >= sizeof out->headers)
        hl = sizeof out->headers - 1;
    memcpy(out->headers, buf, hl);
    out->headers[hl] = '\0';
    out->body = strdup(end + 4);
    out->json = json_loads(out->body, JSON_DECODE_ANY, NULL);
    free(buf);
    contract_log(method, path, head, body, body_len, out);
    return 0;
}

static inline int http(int port, const char *method, const char *path, const char *key,
                       const char *body, reply *out)
{
    return http_request(port, method, path, key, NULL, body, body ? strlen(body) : 0, out);
}

/* Runs a shell command, capturing stdout (up to cap) and the exit status. */
static inline int run_capture(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The last non-empty line of text (in place). */
static inline const char *last_line(char *text)
{
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    char *nl = strrchr(text, '\n');
    return nl ? nl + 1 : text;
}

#endif
