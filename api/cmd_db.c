/*
 * cmd_db.c: the database subcommands of build/skillmatch: `migrate`,
 * `import esco DIR | digcomp FILE | builtin` and `keys create | list |
 * revoke`. Each takes --db CONNINFO (default $SKILLMATCH_DB, else libpq's
 * PG* variables), prints what it did and exits 0, 1 on failure (message on
 * stderr) or 2 on bad usage.
 */
#include "api/cli.h"
#include "api/routes.h"
#include "sql/db.h"
#include "sql/keys.h"
#include "sql/places.h"
#include "sql/rome.h"
#include "sql/taxonomy_store.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/clock.h"
#include "taxonomy/builtin.h"
#include "taxonomy/digcomp.h"
#include "taxonomy/esco.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Consumes --db at argv[*i]: 1 taken, 0 not it, -1 value missing (message printed). */
static int db_option(const char *cmd, int argc, char **argv, int *i, const char **db)
{
    int missing;
    const char *v = sm_cli_value("--db", argc, argv, i, &missing);
    if (v) {
        *db = v;
        return 1;
    }
    if (missing) {
        fprintf(stderr, "skillmatch %s: --db needs a connection string\n", cmd);
        return -1;
    }
    return 0;
}

static PGconn *connect_or_say(const char *cmd, const char *db)
{
    PGconn *c;
    sm_error err = {0};
    if (sm_db_connect(db, &c, &err) != SM_OK) {
        fprintf(stderr, "skillmatch %s: %s\n", cmd, err.message);
        return NULL;
    }
    return c;
}

int sm_cmd_migrate(int argc, char **argv)
{
    const char *db = NULL;
    for (int i = 0; i < argc; i++) {
        int t = db_option("migrate", argc, argv, &i, &db);
        if (t < 0)
            return 2;
        if (!t) {
            fprintf(stderr, "skillmatch migrate: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    PGconn *c = connect_or_say("migrate", db);
    if (!c)
        return 1;
    sm_error err = {0};
    int applied = 0, rc = sm_db_migrate(c, &applied, &err);
    /* The change feed's profile entries named by their keyed name (007), those written by an
     * older server too. */
    if (rc == SM_OK)
        rc = sm_feed_rename_profiles(c, &err);
    PQfinish(c);
    if (rc != SM_OK) {
        fprintf(stderr, "skillmatch migrate: %s\n", err.message);
        return 1;
    }
    printf("migrate: %d applied, %d known, schema up to date\n", applied, sm_db_migration_count());
    return 0;
}

/* sm_store_concept_uris' callback: a stored concept known to the taxonomy as a bare reference. */
static int intern_uri(void *tx, const char *uri, size_t len)
{
    uint32_t id;
    return sm_taxonomy_intern(tx, sm_str_make(uri, len), SM_CT_UNKNOWN, &id);
}

/* skillmatch import places FILE: the communes CSV checked whole, then stored in one
 * transaction (the places before it replaced). */
static int import_places(const char *path, const char *db)
{
    sm_places *p = NULL;
    sm_error err = {0};
    if (sm_places_load_csv(path, &p, &err) != SM_OK) {
        fprintf(stderr, "skillmatch import: %s\n", err.message);
        return 1;
    }
    PGconn *c = connect_or_say("import", db);
    int rc = c ? sm_db_check_serving(c, &err) : SM_EIO;
    if (c && rc != SM_ESCHEMA)
        rc = sm_store_places_replace(c, p, path, &err);
    if (c && rc != SM_OK)
        fprintf(stderr, "skillmatch import: %s\n", err.message);
    else if (c)
        printf("import places: %zu places stored; send SIGHUP to a running server to load them\n",
               sm_places_count(p));
    if (c)
        PQfinish(c);
    sm_places_free(p);
    return rc == SM_OK ? 0 : 1;
}

/* skillmatch import rome DIR: the ROME 4.0 files checked whole (every reference), then stored
 * in one transaction by COPY (the repertoire before it replaced). */
static int import_rome(const char *dir, const char *db)
{
    sm_rome *r = NULL;
    sm_error err = {0};
    double t0 = sm_now_s();
    if (sm_rome_load_dir(dir, &r, &err) != SM_OK) {
        fprintf(stderr, "skillmatch import: %s\n", err.message);
        return 1;
    }
    PGconn *c = connect_or_say("import", db);
    int rc = c ? sm_db_check_serving(c, &err) : SM_EIO;
    if (c && rc != SM_ESCHEMA)
        rc = sm_store_rome_replace(c, r, dir, &err);
    if (c && rc != SM_OK)
        fprintf(stderr, "skillmatch import: %s\n", err.message);
    else if (c)
        printf("import rome: %zu codes, %zu job titles, %zu crosswalk links to ESCO, %zu skill "
               "labels, %zu code skills, %zu mobility links stored in %.1f s; send SIGHUP to a "
               "running server to load them\n",
               sm_rome_job_count(r), sm_rome_title_count(r), sm_rome_link_count(r),
               sm_rome_label_count(r), sm_rome_skill_count(r), sm_rome_move_count(r),
               sm_now_s() - t0);
    if (c)
        PQfinish(c);
    sm_rome_free(r);
    return rc == SM_OK ? 0 : 1;
}

/* skillmatch import offers FILE --org NAME: offers (JSON array or one per line, any shape the
 * API takes) validated against the stored taxonomy, stored in one transaction. */
static int import_offers(const char *path, const char *org, const char *db)
{
    if (!org || !*org) {
        fprintf(stderr, "skillmatch import offers: --org NAME is required (the offers' owner, "
                        "as an API key's organisation)\n");
        return 2;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "skillmatch import: %s: cannot open\n", path);
        return 1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (sm_grow((void **)&text, &cap, len + 65536 + 1, 1) != SM_OK) {
            fclose(f);
            sm_free(text);
            fprintf(stderr, "skillmatch import: out of memory\n");
            return 1;
        }
        size_t n = fread(text + len, 1, 65536, f);
        len += n;
        if (n < 65536)
            break;
    }
    fclose(f);
    text[len] = '\0';
    sm_error err = {0};
    PGconn *c = connect_or_say("import", db);
    sm_gen *g = NULL;
    double t0 = sm_now_s();
    int rc = c ? sm_db_check_serving(c, &err) : SM_EIO;
    if (c && rc == SM_OK)
        rc = sm_gen_load(c, &g, &err);
    double t1 = sm_now_s();
    size_t created = 0, failed = 0;
    if (c && rc == SM_OK)
        rc = sm_offers_import(c, g, text, len, path, org, &created, &failed, &err);
    if (c && rc != SM_OK)
        fprintf(stderr, "skillmatch import: %s\n", err.message);
    else if (c)
        printf("import offers: %zu stored in %.2f s (taxonomy loaded in %.2f s); send SIGHUP to a "
               "running server to load them\n",
               created, sm_now_s() - t1, t1 - t0);
    sm_gen_free(g);
    if (c)
        PQfinish(c);
    sm_free(text);
    return rc == SM_OK ? 0 : 1;
}

int sm_cmd_import(int argc, char **argv)
{
    const char *db = NULL, *what = NULL, *path = NULL, *org = NULL;
    for (int i = 0; i < argc; i++) {
        int t = db_option("import", argc, argv, &i, &db);
        if (t < 0)
            return 2;
        if (t)
            continue;
        int missing = 0;
        const char *v = sm_cli_value("--org", argc, argv, &i, &missing);
        if (v) {
            org = v;
            continue;
        }
        if (missing) {
            fprintf(stderr, "skillmatch import: missing value for --org\n");
            return 2;
        }
        if (argv[i][0] == '-' || (what && path) || (what && strcmp(what, "builtin") == 0)) {
            fprintf(stderr, "skillmatch import: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
        if (!what)
            what = argv[i];
        else
            path = argv[i];
    }
    int is_esco = what && strcmp(what, "esco") == 0, is_dc = what && strcmp(what, "digcomp") == 0,
        is_builtin = what && strcmp(what, "builtin") == 0,
        is_places = what && strcmp(what, "places") == 0,
        is_rome = what && strcmp(what, "rome") == 0,
        is_offers = what && strcmp(what, "offers") == 0;
    if (!(is_esco || is_dc || is_builtin || is_places || is_rome || is_offers) ||
        ((is_esco || is_dc || is_places || is_rome || is_offers) && !path)) {
        fprintf(stderr, "usage: skillmatch import esco DIR | digcomp FILE | builtin | places FILE "
                        "| rome DIR | offers FILE --org NAME [--db CONNINFO]\n");
        return 2;
    }
    if (is_offers)
        return import_offers(path, org, db);
    if (is_places)
        return import_places(path, db);
    if (is_rome)
        return import_rome(path, db);
    sm_taxonomy *tx = sm_taxonomy_new();
    sm_error err = {0};
    int rc = tx ? SM_OK : sm_error_set(&err, SM_ENOMEM, "out of memory");
    PGconn *c = rc == SM_OK ? connect_or_say("import", db) : NULL;
    if (!c) {
        sm_taxonomy_free(tx);
        return 1;
    }
    /* An unmigrated database is said at once (any other serving check is not an import's). */
    if (sm_db_check_serving(c, &err) == SM_ESCHEMA) {
        fprintf(stderr, "skillmatch import: %s\n", err.message);
        sm_taxonomy_free(tx);
        PQfinish(c);
        return 1;
    }
    err.message[0] = '\0';
    /* The concepts already stored, as bare references: DigComp and built-in rows that name
     * an ESCO concept (a competence's ESCO twin) then link to it as the file loader does. */
    if (!is_esco) {
        rc = sm_store_concept_uris(c, intern_uri, tx, &err);
    }
    if (rc == SM_OK)
        rc = is_esco ? sm_esco_load(tx, path, NULL, &err)
             : is_dc ? sm_digcomp_load_jsonld(tx, path, &err)
                     : sm_builtin_load(tx, &err);
    if (rc == SM_OK && (rc = sm_taxonomy_finalize(tx)) != SM_OK)
        sm_error_set(&err, rc, "taxonomy: %s", sm_strerror(rc));
    if (rc != SM_OK) {
        fprintf(stderr, "skillmatch import: %s\n", err.message[0] ? err.message : sm_strerror(rc));
        sm_taxonomy_free(tx);
        PQfinish(c);
        return 1;
    }
    size_t concepts = 0;
    rc = sm_store_import_taxonomy(c, what, path ? path : "built-in", tx, &concepts, &err);
    PQfinish(c);
    sm_taxonomy_free(tx);
    if (rc != SM_OK) {
        fprintf(stderr, "skillmatch import: %s\n", err.message);
        return 1;
    }
    printf("import %s: %zu concepts stored; send SIGHUP to a running server to load them\n", what,
           concepts);
    return 0;
}

static int keys_create(PGconn *c, int argc, char **argv)
{
    const char *org = NULL, *role_name = NULL, *limit = NULL;
    for (int i = 0; i < argc; i++) {
        int missing;
        const char *v;
        if ((v = sm_cli_value("--org", argc, argv, &i, &missing)))
            org = v;
        else if (!missing && (v = sm_cli_value("--role", argc, argv, &i, &missing)))
            role_name = v;
        else if (!missing && (v = sm_cli_value("--rate-limit", argc, argv, &i, &missing)))
            limit = v;
        else {
            fprintf(stderr, "skillmatch keys create: %s '%s'\n",
                    missing ? "missing value for" : "unknown option", argv[i]);
            return 2;
        }
    }
    sm_role role = sm_role_parse(role_name);
    if (!org || !*org || strlen(org) > 200 || role == SM_ROLE_NONE || role == SM_ROLE_SEEKER) {
        fprintf(stderr, "usage: skillmatch keys create --org NAME --role "
                        "admin|inclusion_org|training_provider [--rate-limit N] [--db CONNINFO]\n"
                        "(seeker keys come from POST /v1/profiles)\n");
        return 2;
    }
    char *end = NULL;
    long rate = limit ? strtol(limit, &end, 10) : 0;
    if (limit && (*end || rate < 1 || rate > 10000000)) {
        fprintf(stderr,
                "skillmatch keys create: --rate-limit must be 1..10000000 requests a minute\n");
        return 2;
    }
    char key[SM_KEY_LEN + 1];
    long long id;
    sm_error err = {0};
    if (sm_key_create(c, org, role, NULL, (int)rate, key, &id, &err) != SM_OK) {
        fprintf(stderr, "skillmatch keys create: %s\n", err.message);
        return 1;
    }
    printf("key %lld created for %s (%s); it is shown once, keep it now:\n%s\n", id, org,
           sm_role_name(role), key);
    return 0;
}

static int keys_list(PGconn *c)
{
    sm_rows *rows;
    sm_error err = {0};
    if (sm_keys_list(c, &rows, &err) != SM_OK) {
        fprintf(stderr, "skillmatch keys list: %s\n",
                err.message[0] ? err.message : "out of memory");
        return 1;
    }
    printf("%-6s %-18s %-20s %-10s %-20s %s\n", "id", "role", "created", "rate/min", "revoked",
           "organisation");
    for (size_t i = 0; i < sm_rows_count(rows); i++) {
        sm_key_listed k = sm_key_listed_at(rows, i);
        printf("%-6s %-18s %-20s %-10s %-20s %s\n", k.id, k.role, k.created_at,
               strcmp(k.rate_limit, "0") ? k.rate_limit : "default",
               *k.revoked_at ? k.revoked_at : "-", k.org);
    }
    sm_rows_free(rows);
    return 0;
}

static int keys_revoke(PGconn *c, const char *id)
{
    char *end;
    long long n = strtoll(id, &end, 10);
    if (*end || n <= 0) {
        fprintf(stderr, "skillmatch keys revoke: ID must be a key number from `keys list`\n");
        return 2;
    }
    sm_error err = {0};
    int rc = sm_key_revoke(c, n, &err);
    if (rc == SM_EIO) {
        fprintf(stderr, "skillmatch keys revoke: %s\n", err.message);
        return 1;
    }
    if (rc == SM_ENOTFOUND) {
        fprintf(stderr, "skillmatch keys revoke: no active key %s\n", id);
        return 1;
    }
    printf("key %s revoked (a running server refuses it within 2 seconds)\n", id);
    return 0;
}

int sm_cmd_keys(int argc, char **argv)
{
    const char *db = NULL;
    /* --db may come anywhere; the rest goes to the action. */
    char *rest[64];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        int t = db_option("keys", argc, argv, &i, &db);
        if (t < 0)
            return 2;
        if (!t && n < 64)
            rest[n++] = argv[i];
    }
    const char *action = n ? rest[0] : "";
    if (strcmp(action, "create") && strcmp(action, "list") && strcmp(action, "revoke")) {
        fprintf(stderr, "usage: skillmatch keys create --org NAME --role ROLE | list | revoke ID "
                        "[--db CONNINFO]\n");
        return 2;
    }
    if ((!strcmp(action, "list") && n != 1) || (!strcmp(action, "revoke") && n != 2)) {
        fprintf(stderr, "skillmatch keys %s: wrong arguments\n", action);
        return 2;
    }
    PGconn *c = connect_or_say("keys", db);
    if (!c)
        return 1;
    sm_error err = {0};
    int rc;
    if (sm_db_check_serving(c, &err) == SM_ESCHEMA) {
        fprintf(stderr, "skillmatch keys: %s\n", err.message);
        rc = 1;
    } else if (!strcmp(action, "create"))
        rc = keys_create(c, n - 1, rest + 1);
    else if (!strcmp(action, "list"))
        rc = keys_list(c);
    else
        rc = keys_revoke(c, rest[1]);
    PQfinish(c);
    return rc;
}
