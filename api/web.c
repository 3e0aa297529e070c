/*
 * web.c: the web pages (api/web/), embedded at build time, each with its gzip made then
 * (Makefile): served with their type, an ETag (a hash of the file), Cache-Control, the
 * pages' security headers and, to a client that accepts it, the gzip. Every file is
 * revalidated on each use (no-cache with its ETag: a 304 without body while unchanged), so
 * that a page and the scripts it loads always come from the same build.
 */
#include "api/routes.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

extern const int sm__web_count;
extern const char *const sm__web_names[];
extern const unsigned char *const sm__web_data[];
extern const size_t sm__web_sizes[];

typedef struct web_file {
    const char *name, *type;
    const unsigned char *data, *gz;
    size_t len, gzlen;
    char etag[24];
} web_file;

static web_file files[64];
static int file_count;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (!strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".svg"))
        return "image/svg+xml";
    return "application/octet-stream";
}

static void index_files(void)
{
    for (int i = 0; i < sm__web_count && file_count < 64; i++) {
        size_t n = strlen(sm__web_names[i]);
        if (n > 3 && !strcmp(sm__web_names[i] + n - 3, ".gz"))
            continue;
        web_file *f = &files[file_count++];
        f->name = sm__web_names[i];
        f->type = type_of(f->name);
        f->data = sm__web_data[i];
        f->len = sm__web_sizes[i];
        snprintf(f->etag, sizeof f->etag, "\"%016llx\"",
                 (unsigned long long)XXH3_64bits(f->data, f->len));
        for (int k = 0; k < sm__web_count; k++)
            if (!strncmp(sm__web_names[k], f->name, n) && !strcmp(sm__web_names[k] + n, ".gz")) {
                f->gz = sm__web_data[k];
                f->gzlen = sm__web_sizes[k];
            }
    }
}

static const web_file *find(const char *name)
{
    pthread_once(&once, index_files);
    for (int i = 0; i < file_count; i++)
        if (!strcmp(files[i].name, name))
            return &files[i];
    return NULL;
}

/* Whether the request's Accept-Encoding takes gzip (not refused with q=0). */
static int accepts_gzip(const sm_request *rq)
{
    const char *ae = sm_req_header(rq, "Accept-Encoding");
    const char *at = ae ? strcasestr(ae, "gzip") : NULL;
    if (!at)
        return 0;
    const char *q = strstr(at, "q=");
    const char *comma = strchr(at, ',');
    return !(q && (!comma || q < comma) && q[2] == '0' && (q[3] != '.' || q[4] == '0'));
}

/* One file as the answer (304 when the client holds it already). */
static int serve(const sm_request *rq, sm_response *resp, const web_file *f, int page)
{
    resp->page = 1;
    (void)page;
    resp->cache = "no-cache";
    snprintf(resp->etag, sizeof resp->etag, "%s", f->etag);
    const char *inm = sm_req_header(rq, "If-None-Match");
    if (inm && strstr(inm, f->etag)) {
        resp->status = 304;
        return 0;
    }
    int gz = f->gz && accepts_gzip(rq);
    const unsigned char *data = gz ? f->gz : f->data;
    size_t len = gz ? f->gzlen : f->len;
    char *body = sm_malloc(len + 1);
    if (!body)
        return SM_ENOMEM;
    memcpy(body, data, len);
    body[len] = '\0';
    resp->encoding = gz ? "gzip" : NULL;
    resp->type = f->type;
    resp->status = 200;
    resp->body = body;
    resp->len = len;
    return 0;
}

/* A page: its file, revalidated each time. */
static int page(const sm_request *rq, sm_response *resp, const char *file)
{
    const web_file *f = find(file);
    return f ? serve(rq, resp, f, 1) : sm_problem(resp, 404, "no route for %.200s", rq->path);
}

int sm_route_web_seeker(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    return page(rq, resp, "index.html");
}

int sm_route_web_organisation(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    return page(rq, resp, "organisation.html");
}

int sm_route_web_provider(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    return page(rq, resp, "formation.html");
}

int sm_route_web_sources(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    return page(rq, resp, "sources.html");
}

int sm_route_web_static(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    const char *name = rq->params[0];
    const web_file *f = name && !strchr(name, '/') && !strstr(name, ".html") ? find(name) : NULL;
    if (!f)
        return sm_problem(resp, 404, "no such file");
    return serve(rq, resp, f, 0);
}
