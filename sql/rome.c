/* rome.c: the ROME tables' statements (see rome.h). */
#include "sql/rome.h"
#include "sql/copy.h"
#include "sql/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy_in(PGconn *c, const char *sql, const sm_rome *r, int table, sm_error *err)
{
    int rc = sm_db_exec(c, sql, 0, NULL, NULL, err);
    if (rc != SM_OK)
        return rc;
    sm_copy cp;
    sm_copy_begin(&cp, c);
    for (size_t i = 0; table == 0 && i < sm_rome_job_count(r); i++) {
        const sm_rome_job *j = sm_rome_job_at(r, i);
        sm_copy_str(&cp, j->code);
        sm_copy_str(&cp, j->label);
        sm_copy_str(&cp, j->definition);
        sm_copy_row_end(&cp);
    }
    for (size_t i = 0; table == 1 && i < sm_rome_title_count(r); i++) {
        const sm_rome_title *t = sm_rome_title_at(r, i);
        sm_copy_int(&cp, t->ogr);
        sm_copy_str(&cp, sm_rome_job_at(r, t->job)->code);
        sm_copy_str(&cp, t->label);
        sm_copy_str(&cp, t->main ? "t" : "f");
        sm_copy_str(&cp, t->rare ? "t" : "f");
        sm_copy_row_end(&cp);
    }
    for (size_t i = 0; table == 2 && i < sm_rome_title_count(r); i++) {
        const sm_rome_title *t = sm_rome_title_at(r, i);
        for (uint32_t k = 0; k < t->link_count; k++) {
            const sm_rome_link *l = sm_rome_link_at(r, t->first_link + k);
            sm_copy_int(&cp, t->ogr);
            sm_copy_str(&cp, l->esco_uri);
            sm_copy_str(&cp, sm_rome_relation_names[l->relation]);
            sm_copy_row_end(&cp);
        }
    }
    for (size_t i = 0; table == 3 && i < sm_rome_label_count(r); i++) {
        uint32_t ogr;
        const char *label;
        sm_rome_label_at(r, i, &ogr, &label);
        sm_copy_int(&cp, ogr);
        sm_copy_str(&cp, label);
        sm_copy_row_end(&cp);
    }
    for (size_t i = 0; table >= 4 && i < sm_rome_job_count(r); i++) {
        const sm_rome_job *j = sm_rome_job_at(r, i);
        for (uint32_t k = 0; table == 4 && k < j->skill_count; k++) {
            const sm_rome_skill *s = sm_rome_skill_at(r, j->first_skill + k);
            sm_copy_str(&cp, j->code);
            sm_copy_int(&cp, s->ogr);
            sm_copy_str(&cp, sm_rome_kind_names[s->kind]);
            sm_copy_str(&cp, s->core ? "t" : "f");
            sm_copy_row_end(&cp);
        }
        for (uint32_t k = 0; table == 5 && k < j->move_count; k++) {
            sm_copy_str(&cp, j->code);
            sm_copy_str(&cp, sm_rome_job_at(r, sm_rome_move_at(r, j->first_move + k))->code);
            sm_copy_int(&cp, k + 1);
            sm_copy_row_end(&cp);
        }
    }
    return sm_copy_end(&cp, err);
}

int sm_store_rome_replace(PGconn *c, const sm_rome *r, const char *source, sm_error *err)
{
    static const char *const copies[] = {
        "COPY rome_jobs (code, label, definition) FROM STDIN",
        "COPY rome_titles (ogr, code, label, main, rare) FROM STDIN",
        "COPY rome_links (ogr, esco_uri, relation) FROM STDIN",
        "COPY rome_skill_labels (ogr, label) FROM STDIN",
        "COPY rome_skills (code, ogr, kind, core) FROM STDIN",
        "COPY rome_moves (code, target, rank) FROM STDIN",
    };
    int rc = sm_db_begin(c, err);
    /* TRUNCATE, not DELETE: a DELETE would check each row's references one by one (a
     * minute for ROME 4.0); a server loading meanwhile waits for the commit. */
    if (rc == SM_OK)
        rc = sm_db_exec(c,
                        "TRUNCATE rome_moves, rome_skills, rome_links, rome_titles, "
                        "rome_skill_labels, rome_jobs",
                        0, NULL, NULL, err);
    for (int t = 0; t < 6 && rc == SM_OK; t++)
        rc = copy_in(c, copies[t], r, t, err);
    char jobs[24], titles[24];
    snprintf(jobs, sizeof jobs, "%zu", sm_rome_job_count(r));
    snprintf(titles, sizeof titles, "%zu", sm_rome_title_count(r));
    const char *params[] = {source, jobs, titles};
    if (rc == SM_OK)
        rc = sm_db_exec(c, "INSERT INTO rome_imports (source, jobs, titles) VALUES ($1, $2, $3)", 3,
                        params, NULL, err);
    if (rc == SM_OK)
        rc = sm_db_commit(c, err);
    if (rc != SM_OK)
        sm_db_rollback(c);
    return rc;
}

typedef struct load_ctx {
    sm_rome_builder *b;
    sm_rome_table table;
    int fields;
    sm_error *err;
    size_t rows;
} load_ctx;

static int add_row(void *arg, char *row, size_t len)
{
    load_ctx *x = arg;
    char *f[5] = {0};
    if (sm_copy_split_row(row, len, f, 5) != x->fields)
        return sm_error_set(x->err, SM_EINVAL, "rome: a row of %zu bytes", len);
    x->rows++;
    sm_error why = {0};
    int rc = sm_rome_add(x->b, x->table, (const char *const *)f, &why);
    return rc == SM_OK ? SM_OK : sm_error_set(x->err, rc, "rome: %s", why.message);
}

int sm_store_rome_load(PGconn *c, sm_rome **out, sm_error *err)
{
    static const struct {
        sm_rome_table table;
        int fields;
        const char *sql;
    } reads[] = {
        {SM_ROME_T_JOBS, 3, "COPY (SELECT code, label, definition FROM rome_jobs) TO STDOUT"},
        {SM_ROME_T_TITLES, 5,
         "COPY (SELECT ogr, code, label, CASE WHEN main THEN 'O' ELSE 'N' END, "
         "CASE WHEN rare THEN 'O' ELSE 'N' END FROM rome_titles) TO STDOUT"},
        {SM_ROME_T_LINKS, 3, "COPY (SELECT ogr, esco_uri, relation FROM rome_links) TO STDOUT"},
        {SM_ROME_T_LABELS, 2, "COPY (SELECT ogr, label FROM rome_skill_labels) TO STDOUT"},
        {SM_ROME_T_SKILLS, 4,
         "COPY (SELECT code, kind, ogr, CASE WHEN core THEN 'Principale' ELSE '' END "
         "FROM rome_skills) TO STDOUT"},
        {SM_ROME_T_MOVES, 3, "COPY (SELECT code, target, rank FROM rome_moves) TO STDOUT"},
    };
    *out = NULL;
    load_ctx x = {NULL, 0, 0, err, 0};
    if (sm_rome_builder_new(&x.b) != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    int rc = SM_OK;
    for (size_t i = 0; i < sizeof reads / sizeof reads[0] && rc == SM_OK; i++) {
        x.table = reads[i].table;
        x.fields = reads[i].fields;
        rc = sm_copy_out(c, reads[i].sql, add_row, &x, err);
        if (i == 0 && !x.rows)
            break; /* none imported */
    }
    if (rc != SM_OK || !x.rows) {
        sm_rome_builder_free(x.b);
        return rc;
    }
    sm_error why = {0};
    if ((rc = sm_rome_finish(x.b, out, &why)) != SM_OK)
        sm_error_set(err, rc, "rome: %s", why.message);
    return rc;
}
