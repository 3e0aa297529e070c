/*
 * server.c: `skillmatch serve`, the libmicrohttpd HTTP server.
 *
 * It loads the taxonomy, then answers on the listen address until SIGINT or
 * SIGTERM. Routes so far: GET /health (alive, with the loaded taxonomy's
 * size). Every other path answers 404, and a known path with another method
 * 405, both as application/problem+json. Connection count, per-connection
 * memory and idle time are bounded so no client can exhaust the server.
 */
#include "api/cli.h"
#include "api/jsonw.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct server {
    sm_taxonomy *tx;
    char health[256];
} server;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             const char *body)
{
    /* MHD frees the copy with free() (MHD_RESPMEM_MUST_FREE). */
    char *copy = strdup(body);
    if (!copy)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(copy), copy, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(copy);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result problem(struct MHD_Connection *conn, unsigned status, const char *title,
                               const char *detail)
{
    jsonw w = {0};
    char code[16];
    snprintf(code, sizeof code, "%u", status);
    jsonw_lit(&w, "{\"type\":\"about:blank\",\"title\":");
    jsonw_string(&w, title, strlen(title));
    jsonw_lit(&w, ",\"status\":");
    jsonw_lit(&w, code);
    jsonw_lit(&w, ",\"detail\":");
    jsonw_string(&w, detail, strlen(detail));
    jsonw_lit(&w, "}");
    enum MHD_Result rc =
        w.failed ? MHD_NO : reply(conn, status, "application/problem+json", w.data);
    jsonw_free(&w);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **req_cls)
{
    server *srv = cls;
    (void)version;
    (void)upload_data;
    /* First call per request: headers only. Bodies are not accepted yet, so drop them. */
    if (*req_cls == NULL) {
        *req_cls = srv;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/health") == 0) {
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
            return problem(conn, 405, "Method Not Allowed", "/health answers GET only");
        return reply(conn, 200, "application/json", srv->health);
    }
    char detail[160];
    snprintf(detail, sizeof detail, "no route for %.100s", url);
    return problem(conn, 404, "Not Found", detail);
}

static int parse_listen(const char *listen, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

int sm_cmd_serve(int argc, char **argv)
{
    sm_load_options opts = {NULL, NULL};
    const char *listen = "127.0.0.1:8080";
    for (int i = 0; i < argc; i++) {
        int missing, taken = sm_cli_taxonomy_option("serve", argc, argv, &i, &opts);
        const char *v;
        if (taken < 0)
            return 2;
        if (taken)
            continue;
        if ((v = sm_cli_value("--listen", argc, argv, &i, &missing))) {
            listen = v;
            continue;
        }
        fprintf(stderr, "skillmatch serve: %s '%s'\n",
                missing ? "missing value for" : "unknown option", argv[i]);
        return 2;
    }
    struct sockaddr_in addr;
    if (parse_listen(listen, &addr) != 0) {
        fprintf(stderr, "skillmatch serve: --listen must be IPv4:PORT, e.g. 127.0.0.1:8080\n");
        return 2;
    }
    /* Block the stop signals before threads start, then wait for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    server srv;
    memset(&srv, 0, sizeof srv);
    sm_load_report report;
    srv.tx = sm_cli_load_taxonomy("serve", &opts, &report);
    if (!srv.tx)
        return 1;
    size_t skills = sm_taxonomy_count_type(srv.tx, SM_CT_SKILL) +
                    sm_taxonomy_count_type(srv.tx, SM_CT_KNOWLEDGE);
    snprintf(srv.health, sizeof srv.health,
             "{\"status\":\"ok\",\"taxonomy\":{\"concepts\":%zu,\"skills\":%zu,"
             "\"occupations\":%zu}}",
             sm_taxonomy_count(srv.tx), skills, sm_taxonomy_count_type(srv.tx, SM_CT_OCCUPATION));
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle,
        &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1024, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)256,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)64 * 1024, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)2, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "skillmatch serve: cannot listen on %s (in use, or not allowed)\n", listen);
        sm_taxonomy_free(srv.tx);
        return 1;
    }
    fprintf(stderr, "skillmatch: %zu concepts loaded in %.2f s; serving http://%s\n",
            sm_taxonomy_count(srv.tx), report.seconds, listen);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "skillmatch: signal %d, stopping\n", sig);
    MHD_stop_daemon(d);
    sm_taxonomy_free(srv.tx);
    return 0;
}
