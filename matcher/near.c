/*
 * near.c: candidates one short training away (sm_match_near_candidates, see plan.h): consenting
 * people who lack at most the essential skills one training teaches within max_hours, each with
 * that training and a sentence saying what it would close.
 */
#include "matcher/paths.h"
#include "matcher/plan_internal.h"

#include "matcher/explain.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct near_finder {
    const sm_matcher *m;
    const sm_profile *p;
    const sm_gap *missing; /* the essential gaps */
    size_t missing_count;
    double max_hours;
    int32_t today;
    int rc;
    /* the cheapest training found */
    int found;
    double cost, hours, price, km;
    int remote;
    char *id, *title;
} near_finder;

static int near_take(void *arg, const sm_training_view *t)
{
    near_finder *f = arg;
    if ((t->valid_through && f->today > t->valid_through) || t->duration_hours > f->max_hours ||
        !sm__session_from(t->start_dates, t->start_date_count, f->today))
        return 0;
    double cost = sm_path_cost(t->duration_hours, t->cost);
    if (f->found && cost >= f->cost)
        return 0;
    for (size_t g = 0; g < f->missing_count; g++) {
        int taught = 0;
        for (size_t i = 0; i < t->teach_count && !taught; i++)
            taught = t->teaches[i].skill == f->missing[g].skill &&
                     sm__reaches(t->teaches[i].level, f->missing[g].required_level);
        if (!taught)
            return 0;
    }
    for (size_t i = 0; i < t->prerequisite_count; i++)
        if (!sm__claims_reach(f->m, f->p, t->prerequisites[i].skill, t->prerequisites[i].level))
            return 0;
    double km = -1;
    if (t->has_location && !t->remote && f->p->location.known) {
        km = sm_distance_km(f->p->location.lat, f->p->location.lon, t->lat, t->lon);
        if (f->p->radius_km > 0 && km > f->p->radius_km)
            return 0;
    }
    char *id = sm__dup_text(t->id), *title = t->title ? sm__dup_text(t->title) : NULL;
    if (!id || (t->title && !title)) {
        sm_free(id);
        sm_free(title);
        f->rc = SM_ENOMEM;
        return 1;
    }
    sm_free(f->id);
    sm_free(f->title);
    *f = (near_finder){f->m,      f->p, f->missing, f->missing_count,  f->max_hours, f->today,
                       f->rc,     1,    cost,       t->duration_hours, t->cost,      km,
                       t->remote, id,   title};
    return 0;
}

void sm_near_list_free(sm_near_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++) {
        sm_near_candidate *c = &l->items[i];
        sm_free(c->profile_id);
        sm_free(c->training_id);
        sm_free(c->training_title);
        sm_free(c->covers);
        sm_free(c->explanation);
    }
    sm_free(l->items);
    sm_free(l);
}

typedef struct ranked_candidate {
    char *id;
    double score;
} ranked_candidate;

int sm_match_near_candidates(sm_match_reader *r, const sm_taxonomy *tx, const char *offer_id,
                             double max_hours, size_t limit, sm_lang lang, sm_near_list **out,
                             sm_error *err)
{
    *out = NULL;
    sm_matcher *m = sm_match_reader_matcher(r);
    sm_requirement reqs[SM_MAX_REQUIREMENTS];
    int nreq = sm_matcher_offer_requirements(m, offer_id, reqs);
    if (nreq < 0)
        return sm_error_field(err, nreq, "offer_id", "%s",
                              nreq == SM_EINVAL ? "a training offer" : "no such offer");
    sm_match_options opts = {SM_OFFER_JOB, SM_MATCH_MAX_LIMIT, 0, lang, 0, NULL};
    int n = sm_match_candidates(r, offer_id, &opts, err);
    if (n < 0)
        return n;
    /* The ranking's ids and scores: the gap queries below reuse the reader. */
    ranked_candidate *ranked = sm_calloc((size_t)n + 1, sizeof *ranked);
    sm_near_list *list = sm_calloc(1, sizeof *list);
    int rc = ranked && list ? SM_OK : SM_ENOMEM;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        const sm_match_result *res = sm_match_get(r, (size_t)i);
        ranked[i].score = res->score;
        if (!(ranked[i].id = sm__dup_text(res->id)))
            rc = SM_ENOMEM;
    }
    if (rc == SM_OK && !(list->items = sm_calloc(limit + 1, sizeof *list->items)))
        rc = SM_ENOMEM;
    sm_skill_claim claims[SM_MAX_PROFILE_SKILLS];
    sm_gap missing[SM_MAX_REQUIREMENTS];
    int32_t today = sm_today();
    for (int i = 0; i < n && rc == SM_OK && list->count < limit; i++) {
        sm_profile p;
        if (sm_matcher_profile_copy(m, ranked[i].id, &p, claims) != SM_OK)
            continue; /* erased since */
        list->examined++;
        p.id = "";
        int g = sm_match_gaps(r, &p, reqs, (size_t)nreq, 0, err);
        if (g < 0) {
            rc = g;
            break;
        }
        size_t k = 0;
        for (int j = 0; j < g; j++) {
            const sm_gap *gp = sm_match_gap_get(r, (size_t)j);
            if (gp->essential)
                missing[k++] = *gp;
        }
        if (k == 0)
            continue; /* has every essential skill already: a plain candidate */
        near_finder f = {m, &p, missing, k, max_hours, today, SM_OK, 0, 0, 0, 0, -1, 0, NULL, NULL};
        sm_match_trainings_teaching(r, missing[0].skill, near_take, &f);
        if (f.rc != SM_OK)
            rc = f.rc;
        if (!f.found || rc != SM_OK) {
            sm_free(f.id);
            sm_free(f.title);
            continue;
        }
        sm_near_candidate *c = &list->items[list->count++];
        c->profile_id = ranked[i].id;
        ranked[i].id = NULL;
        c->score = ranked[i].score;
        c->training_id = f.id;
        c->training_title = f.title;
        c->hours = f.hours;
        c->price = f.price;
        c->distance_km = f.km;
        c->remote = f.remote;
        c->covers = sm_malloc(k * sizeof *c->covers);
        if (!c->covers) {
            rc = SM_ENOMEM;
            break;
        }
        for (size_t j = 0; j < k; j++)
            c->covers[c->cover_count++] = missing[j].skill;
        char skills[2048], sentence[4096];
        sm__explain_list(tx, c->covers, c->cover_count, SIZE_MAX, lang, skills, 0, sizeof skills);
        const char *title = f.title ? f.title : f.id;
        char hours[32];
        sm__explain_amount(hours, sizeof hours, f.hours, 0, lang);
        if (lang == SM_LANG_FR)
            snprintf(sentence, sizeof sentence,
                     "Il manque à cette personne %s, que « %s » (%s h) enseigne : après cette "
                     "formation, elle aurait toutes les compétences essentielles de l'offre.",
                     skills, title, hours);
        else
            snprintf(sentence, sizeof sentence,
                     "Lacks %s, which “%s” (%s h) teaches: after it, would have every essential "
                     "skill of the offer.",
                     skills, title, hours);
        if (!(c->explanation = sm__dup_text(sentence)))
            rc = SM_ENOMEM;
    }
    for (int i = 0; ranked && i < n; i++)
        sm_free(ranked[i].id);
    sm_free(ranked);
    if (rc != SM_OK) {
        sm_near_list_free(list);
        return rc == SM_ENOMEM ? sm_error_set(err, rc, "out of memory") : rc;
    }
    *out = list;
    return SM_OK;
}
