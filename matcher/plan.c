/*
 * plan.c: training paths from a gap (see plan.h).
 *
 * Elements are (skill, level) pairs: the gap's (goal weight 3 when
 * essential, 1 when optional) and the prerequisites of the trainings kept
 * (weight 0: only reached to open a training). A training sm__reaches an element
 * of its skill when it teaches that skill at the level asked or above (a
 * training that states no level is taken to reach level 2 at most). The
 * person starts with the elements their claims reach: the skill or a close
 * one (similarity >= 0.5) at the level asked, a claim without a level given
 * the benefit of the doubt, as in sm_match_gaps.
 *
 * Trainings are gathered per element skill, filtered by the constraints,
 * and the SM_PLAN_PER_SKILL cheapest reaching each element are kept; then
 * the prerequisites of those become elements too, two rounds deep. A
 * training no better than another in anything (sm__reaches a subset, needs a
 * superset, no fewer hours, no fewer euros) is dropped before solving.
 */
#include "matcher/plan_internal.h"

#include "matcher/explain.h"
#include "matcher/paths.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"
#include "taxonomy/base/strmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct element {
    uint32_t skill;
    uint8_t level;
    uint8_t gathered; /* its trainings were looked up */
} element;

typedef struct kept {
    char *id, *title;
    sm_requirement *teaches, *prereqs; /* in the same allocation as the kept entry's copy */
    size_t teach_count, prereq_count;
    double hours, price, euros;
    uint32_t funded_by, funding; /* the person's schemes that fund it; every scheme it names */
    int32_t *dates;
    size_t date_count;
    int remote;
    double km;
    int dropped; /* dominated */
} kept;

typedef struct planner {
    sm_match_reader *r;
    const sm_matcher *m;
    const sm_profile *profile;
    const sm_path_constraints *c;
    double distance_limit; /* < 0: none */
    int32_t today;
    element elements[SM_PATH_MAX_ELEMENTS];
    double weight[SM_PATH_MAX_ELEMENTS];
    size_t element_count;
    kept *kept;
    size_t kept_count, kept_cap;
    sm_strmap *ids;
    /* the trainings of the element being gathered, before the cheapest are kept */
    kept *batch;
    size_t batch_count, batch_cap;
    uint32_t gather_skill;
    uint8_t gather_level;
    /* the trainings teaching a skill of the gap, each with why it cannot serve (0: it can) */
    sm_strmap *seen;
    size_t tally[SM_PLAN_EXCLUDED_COUNT]; /* how many by reason (0: usable) */
    int noting;                           /* gathering a gap element: note what is seen */
    int rc;
} planner;

int sm__reaches(uint8_t taught, uint8_t asked)
{
    return asked == 0 || (taught == 0 ? asked <= 2 : taught >= asked);
}

/* Whether the person's claims reach skill at level: the met status (matcher.h). */
int sm__claims_reach(const sm_matcher *m, const sm_profile *p, uint32_t skill, uint8_t level)
{
    return sm_matcher_claims_meet(m, p->skills, p->skill_count, skill, level);
}

static int person_has(const planner *pl, uint32_t skill, uint8_t level)
{
    return sm__claims_reach(pl->m, pl->profile, skill, level);
}

/* The element (skill, level), added when new (weight 0); SIZE_MAX when full. */
static size_t element_of(planner *pl, uint32_t skill, uint8_t level)
{
    for (size_t i = 0; i < pl->element_count; i++)
        if (pl->elements[i].skill == skill && pl->elements[i].level == level)
            return i;
    if (pl->element_count == SM_PATH_MAX_ELEMENTS)
        return SIZE_MAX;
    pl->elements[pl->element_count] = (element){skill, level, 0};
    pl->weight[pl->element_count] = 0;
    return pl->element_count++;
}

/* The first session on or after day (open entry: day itself); 0 when none is dated then. */
int32_t sm__session_from(const int32_t *dates, size_t n, int32_t day)
{
    if (n == 0)
        return day;
    for (size_t i = 0; i < n; i++)
        if (dates[i] >= day)
            return dates[i];
    return 0;
}

static void free_kept(kept *k)
{
    sm_free(k->id);
    sm_free(k->title);
    sm_free(k->teaches);
    sm_free(k->dates);
}

static int cmp_kept_cost(const void *a, const void *b);

/*
 * Why a training that teaches the skill being gathered cannot serve its element: 0 when it
 * can (with what the person would pay, the schemes of theirs that fund it, its distance), else
 * the first SM_PLAN_EXCLUDED_* reason, checked in that order.
 */
static int excluded_by(const planner *pl, const sm_training_view *t, double *euros,
                       uint32_t *funded_by, double *km)
{
    const sm_path_constraints *c = pl->c;
    if ((t->valid_through && pl->today > t->valid_through) ||
        (t->valid_from && pl->today < t->valid_from && !t->start_date_count))
        return SM_PLAN_EXCLUDED_EXPIRED;
    int level_ok = 0;
    for (size_t i = 0; i < t->teach_count; i++)
        level_ok |= t->teaches[i].skill == pl->gather_skill &&
                    sm__reaches(t->teaches[i].level, pl->gather_level);
    if (!level_ok)
        return SM_PLAN_EXCLUDED_LEVEL;
    if (c->remote_only && !t->remote)
        return SM_PLAN_EXCLUDED_REMOTE;
    *funded_by = t->funding & c->funding;
    *euros = *funded_by ? 0 : t->cost;
    if (c->max_hours >= 0 && t->duration_hours > c->max_hours)
        return SM_PLAN_EXCLUDED_HOURS;
    if (c->max_cost >= 0 && *euros > c->max_cost)
        return SM_PLAN_EXCLUDED_COST;
    int32_t first = sm__session_from(t->start_dates, t->start_date_count, pl->today);
    if (!first || (c->start_before && first > c->start_before))
        return SM_PLAN_EXCLUDED_DATES;
    *km = -1;
    if (t->has_location && !t->remote && pl->profile->location.known)
        *km = sm_distance_km(pl->profile->location.lat, pl->profile->location.lon, t->lat, t->lon);
    if (pl->distance_limit >= 0 && !t->remote && (*km < 0 || *km > pl->distance_limit))
        return SM_PLAN_EXCLUDED_DISTANCE;
    return 0;
}

/* Notes, for a training teaching a skill of the gap, whether it can serve (reason 0) or why
 * not; a training that can serve one element counts as usable. */
static void note_training(planner *pl, const char *id, int reason)
{
    uint32_t was;
    size_t len = strlen(id);
    if (!sm_strmap_get(pl->seen, id, len, &was)) {
        if (sm_strmap_put(pl->seen, id, len, (uint32_t)reason, NULL) < 0)
            pl->rc = SM_ENOMEM;
        else
            pl->tally[reason]++;
    } else if (was != 0 && (reason == 0 || (uint32_t)reason < was)) {
        sm_strmap_set(pl->seen, id, len, (uint32_t)reason);
        pl->tally[was]--;
        pl->tally[reason]++;
    }
}

/* Keeps a training that passes the constraints in the batch, if among the cheapest. */
static int take_training(void *arg, const sm_training_view *t)
{
    planner *pl = arg;
    double euros = 0, km = -1;
    uint32_t funded_by = 0;
    int why = excluded_by(pl, t, &euros, &funded_by, &km);
    if (pl->noting)
        note_training(pl, t->id, why);
    if (why)
        return 0;
    /* Only the SM_PLAN_PER_SKILL cheapest not kept yet are copied. */
    double cost = sm_path_cost(t->duration_hours, euros);
    size_t worst = 0;
    if (pl->batch_count == SM_PLAN_PER_SKILL) {
        for (size_t i = 1; i < pl->batch_count; i++)
            if (cmp_kept_cost(&pl->batch[i], &pl->batch[worst]) > 0)
                worst = i;
        const kept *w = &pl->batch[worst];
        double wc = sm_path_cost(w->hours, w->euros);
        if (cost > wc || (cost == wc && strcmp(t->id, w->id) >= 0))
            return 0;
    }
    uint32_t existing;
    if (sm_strmap_get(pl->ids, t->id, strlen(t->id), &existing))
        return 0;
    if (sm_grow((void **)&pl->batch, &pl->batch_cap, SM_PLAN_PER_SKILL, sizeof *pl->batch) !=
        SM_OK) {
        pl->rc = SM_ENOMEM;
        return 1;
    }
    kept *k;
    if (pl->batch_count < SM_PLAN_PER_SKILL)
        k = &pl->batch[pl->batch_count++];
    else {
        k = &pl->batch[worst];
        free_kept(k);
    }
    memset(k, 0, sizeof *k);
    k->id = sm_strndup(t->id, strlen(t->id));
    k->title = t->title ? sm_strndup(t->title, strlen(t->title)) : NULL;
    k->teaches = sm_malloc((t->teach_count + t->prerequisite_count + 1) * sizeof *k->teaches);
    k->dates = sm_malloc((t->start_date_count + 1) * sizeof *k->dates);
    if (!k->id || (t->title && !k->title) || !k->teaches || !k->dates) {
        pl->rc = SM_ENOMEM; /* the entry is freed with the batch */
        return 1;
    }
    memcpy(k->teaches, t->teaches, t->teach_count * sizeof *k->teaches);
    k->prereqs = k->teaches + t->teach_count;
    memcpy(k->prereqs, t->prerequisites, t->prerequisite_count * sizeof *k->prereqs);
    k->teach_count = t->teach_count;
    k->prereq_count = t->prerequisite_count;
    memcpy(k->dates, t->start_dates, t->start_date_count * sizeof *k->dates);
    k->date_count = t->start_date_count;
    k->hours = t->duration_hours;
    k->price = t->cost;
    k->euros = euros;
    k->funded_by = funded_by;
    k->funding = t->funding;
    k->remote = t->remote;
    k->km = km;
    return 0;
}

static int cmp_kept_cost(const void *a, const void *b)
{
    const kept *x = a, *y = b;
    double cx = sm_path_cost(x->hours, x->euros), cy = sm_path_cost(y->hours, y->euros);
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Gathers the trainings reaching element e and keeps the cheapest not kept yet. */
static int gather(planner *pl, size_t e)
{
    pl->batch_count = 0;
    pl->gather_skill = pl->elements[e].skill;
    pl->gather_level = pl->elements[e].level;
    pl->elements[e].gathered = 1;
    pl->noting = pl->weight[e] > 0;
    sm_match_trainings_teaching(pl->r, pl->gather_skill, take_training, pl);
    if (pl->rc != SM_OK) {
        for (size_t j = 0; j < pl->batch_count; j++)
            free_kept(&pl->batch[j]);
        return pl->rc;
    }
    if (pl->batch_count > 1)
        qsort(pl->batch, pl->batch_count, sizeof *pl->batch, cmp_kept_cost);
    for (size_t i = 0; i < pl->batch_count; i++) {
        kept *k = &pl->batch[i];
        if (pl->kept_count >= 4096) {
            free_kept(k);
            continue;
        }
        if (sm_grow((void **)&pl->kept, &pl->kept_cap, pl->kept_count + 1, sizeof *pl->kept) !=
                SM_OK ||
            sm_strmap_put(pl->ids, k->id, strlen(k->id), (uint32_t)pl->kept_count, NULL) < 0) {
            for (size_t j = i; j < pl->batch_count; j++)
                free_kept(&pl->batch[j]);
            return SM_ENOMEM;
        }
        pl->kept[pl->kept_count++] = *k;
    }
    return SM_OK;
}

/* The problem's trainings from the kept ones; one whose prerequisites cannot all be
 * elements (past SM_PATH_MAX_ELEMENTS) is banned. */
static void build_trainings(planner *pl, sm_path_training *tr, uint8_t *banned)
{
    for (size_t t = 0; t < pl->kept_count; t++) {
        const kept *k = &pl->kept[t];
        memset(&tr[t], 0, sizeof tr[t]);
        for (size_t e = 0; e < pl->element_count; e++)
            for (size_t i = 0; i < k->teach_count; i++)
                if (k->teaches[i].skill == pl->elements[e].skill &&
                    sm__reaches(k->teaches[i].level, pl->elements[e].level))
                    sm_elems_add(&tr[t].teaches, e);
        for (size_t i = 0; i < k->prereq_count; i++) {
            size_t e = element_of(pl, k->prereqs[i].skill, k->prereqs[i].level);
            if (e != SIZE_MAX)
                sm_elems_add(&tr[t].requires, e);
            else
                banned[t] = 1;
        }
        tr[t].hours = k->hours;
        tr[t].euros = k->euros;
    }
}

static void drop_dominated(planner *pl, const sm_path_training *tr, uint8_t *banned)
{
    for (size_t a = 0; a < pl->kept_count; a++)
        for (size_t b = 0; b < pl->kept_count && !banned[a]; b++) {
            if (a == b || banned[b])
                continue;
            int no_worse = sm_elems_subset(&tr[a].teaches, &tr[b].teaches) &&
                           sm_elems_subset(&tr[b].requires, &tr[a].requires) &&
                           tr[b].hours <= tr[a].hours && tr[b].euros <= tr[a].euros;
            /* of two equal ones, the first kept (the cheaper or the smaller id) stays */
            int equal = no_worse && sm_elems_subset(&tr[b].teaches, &tr[a].teaches) &&
                        sm_elems_subset(&tr[a].requires, &tr[b].requires) &&
                        tr[a].hours == tr[b].hours && tr[a].euros == tr[b].euros;
            if (no_worse && (!equal || b < a))
                banned[a] = 1;
        }
}

char *sm__dup_text(const char *s)
{
    return sm_strndup(s, strlen(s));
}

/* The names of the schemes in bits: "CPF ou OPCO" ("CPF or OPCO"). */
static void scheme_names(char *buf, size_t size, const sm_path_constraints *c, uint32_t bits,
                         int fr)
{
    size_t len = 0, n = 0, total = 0;
    buf[0] = '\0';
    for (int b = 0; b < 32 && c->funding_names; b++)
        total += (bits >> b & 1) && c->funding_names[b];
    for (int b = 0; b < 32 && c->funding_names && len + 1 < size; b++) {
        if (!(bits >> b & 1) || !c->funding_names[b])
            continue;
        const char *sep = n == 0 ? "" : n + 1 == total ? (fr ? " ou " : " or ") : ", ";
        int w = snprintf(buf + len, size - len, "%s%s", sep, c->funding_names[b]);
        len += w > 0 ? (size_t)w : 0;
        n++;
    }
}

/*
 * What a step costs the person, in words: funded by one of their schemes, free, or its price
 * with the schemes that can fund it (and, when the person named theirs and none applies,
 * that it is theirs to pay).
 */
static void money_text(char *buf, size_t size, const sm_path_constraints *c, double price,
                       uint32_t funded_by, uint32_t fundable_by, int fr)
{
    char names[160], amount[32];
    sm__explain_amount(amount, sizeof amount, price, 1, c->lang);
    if (funded_by) {
        scheme_names(names, sizeof names, c, funded_by, fr);
        snprintf(buf, size, fr ? "financée par %s" : "funded by %s", names);
    } else if (price <= 0)
        snprintf(buf, size, "%s", fr ? "gratuite" : "free");
    else {
        scheme_names(names, sizeof names, c, fundable_by, fr);
        if (c->funding && names[0])
            snprintf(buf, size,
                     fr ? "%s € à votre charge (finançable par %s, que vous n'avez pas indiqué)"
                        : "€%s to pay (fundable by %s, which you did not list)",
                     amount, names);
        else if (c->funding)
            snprintf(buf, size, fr ? "%s € à votre charge" : "€%s to pay", amount);
        else if (names[0])
            snprintf(buf, size, fr ? "%s €, finançable par %s" : "€%s, fundable by %s", amount,
                     names);
        else
            snprintf(buf, size, fr ? "%s €, sans financement connu" : "€%s, no known funding",
                     amount);
    }
}

static void explain(char *buf, size_t size, const sm_taxonomy *tx, const sm_path_constraints *c,
                    size_t number, const kept *k, const sm_plan_step *st)
{
    char skills[2048], money[240], where[64];
    int fr = c->lang == SM_LANG_FR;
    money_text(money, sizeof money, c, k->price, st->funded_by, st->fundable_by, fr);
    if (k->remote)
        snprintf(where, sizeof where, "%s", fr ? ", à distance" : ", remote");
    else if (k->km >= 0 && sm__explain_km(k->km) < 1)
        snprintf(where, sizeof where, "%s", fr ? ", à moins d'1 km" : ", less than 1 km away");
    else if (k->km >= 0) /* as the answer shows it (3 decimals), to the nearest km, half up */
        snprintf(where, sizeof where, fr ? ", à %.0f km" : ", %.0f km away",
                 floor(sm__explain_km(k->km) + 0.5));
    else
        where[0] = '\0';
    /* What the step is for: the gap's skills it sm__reaches, then the prerequisites it gives to a
     * later step; a step that does neither says what it teaches. */
    size_t len = 0;
    skills[0] = '\0';
    if (st->cover_count)
        len = sm__explain_list(tx, st->covers, st->cover_count, SIZE_MAX, c->lang, skills, len,
                               sizeof skills);
    if (st->prepare_count) {
        if (len)
            len +=
                (size_t)snprintf(skills + len, sizeof skills - len, "%s", fr ? ", et " : ", and ");
        len = sm__explain_list(tx, st->prepares, st->prepare_count, SIZE_MAX, c->lang, skills,
                               len < sizeof skills ? len : sizeof skills - 1, sizeof skills);
        if (len < sizeof skills)
            snprintf(skills + len, sizeof skills - len,
                     fr ? ", prérequis de l'étape %zu" : ", needed for step %zu", st->opens);
    }
    if (!st->cover_count && !st->prepare_count) {
        uint32_t taught[SM_MAX_REQUIREMENTS];
        size_t n = k->teach_count < SM_MAX_REQUIREMENTS ? k->teach_count : SM_MAX_REQUIREMENTS;
        for (size_t i = 0; i < n; i++)
            taught[i] = k->teaches[i].skill;
        sm__explain_list(tx, taught, n, 2, c->lang, skills, 0, sizeof skills);
    }
    const char *title = k->title ? k->title : k->id;
    char hours[32];
    sm__explain_amount(hours, sizeof hours, k->hours, 0, c->lang);
    if (fr)
        snprintf(buf, size, "Étape %zu : suivre « %s » (%s h, %s%s) pour acquérir %s.", number,
                 title, hours, money, where, skills);
    else
        snprintf(buf, size, "Step %zu: take “%s” (%s h, %s%s) to gain %s.", number, title, hours,
                 money, where, skills);
}

/* Why a plan has no path, in one sentence (plan->no_path, counts and the gap's skills). */
static void no_path_text(char *buf, size_t size, const sm_taxonomy *tx,
                         const sm_path_constraints *c, const sm_plan *plan, const uint32_t *gap,
                         size_t gap_count)
{
    int fr = c->lang == SM_LANG_FR;
    char skills[2048];
    size_t len = 0;
    switch (plan->no_path) {
    case SM_PLAN_NO_GAP:
        snprintf(buf, size, "%s",
                 fr ? "Vous avez déjà toutes les compétences demandées : aucune formation n'est "
                      "nécessaire."
                    : "You already have every skill asked for: no training is needed.");
        return;
    case SM_PLAN_NO_TRAINING:
        sm__explain_list(tx, gap, gap_count, 3, c->lang, skills, 0, sizeof skills);
        snprintf(buf, size,
                 fr ? "Aucune formation connue n'enseigne les compétences qui vous manquent "
                      "(%s)."
                    : "No known training teaches the skills you lack (%s).",
                 skills);
        return;
    case SM_PLAN_NOT_COMBINABLE:
        snprintf(buf, size,
                 fr ? "%zu formation%s répond%s à vos critères, mais aucun parcours n'est "
                      "possible : leurs prérequis ne peuvent pas être atteints, ou vos budgets "
                      "ne permettent pas de les suivre."
                    : "%zu training%s meet%s your constraints, but no path is possible: their "
                      "prerequisites cannot be reached, or your budgets do not allow them.",
                 plan->excluded[SM_PLAN_USABLE], plan->excluded[SM_PLAN_USABLE] > 1 ? "s" : "",
                 fr ? (plan->excluded[SM_PLAN_USABLE] > 1 ? "ent" : "")
                    : (plan->excluded[SM_PLAN_USABLE] > 1 ? "" : "s"));
        return;
    default: break;
    }
    /* Every training teaching a skill of the gap is excluded: say by what, first reason. */
    static const char *const fr_why[] = {"",
                                         "ne sont plus ouvertes",
                                         "n'atteignent pas le niveau demandé",
                                         "ne sont pas à distance (remote_only)",
                                         "durent plus que max_hours",
                                         "coûteraient plus que max_cost",
                                         "n'ont pas de session à temps (start_before)",
                                         "sont trop loin ou sans lieu"};
    static const char *const fr_why_one[] = {"",
                                             "n'est plus ouverte",
                                             "n'atteint pas le niveau demandé",
                                             "n'est pas à distance (remote_only)",
                                             "dure plus que max_hours",
                                             "coûterait plus que max_cost",
                                             "n'a pas de session à temps (start_before)",
                                             "est trop loin ou sans lieu"};
    static const char *const en_why[] = {"",
                                         "are closed",
                                         "do not reach the level asked",
                                         "are not remote (remote_only)",
                                         "last longer than max_hours",
                                         "would cost more than max_cost",
                                         "have no session in time (start_before)",
                                         "are too far or give no place"};
    static const char *const en_why_one[] = {"",
                                             "is closed",
                                             "does not reach the level asked",
                                             "is not remote (remote_only)",
                                             "lasts longer than max_hours",
                                             "would cost more than max_cost",
                                             "has no session in time (start_before)",
                                             "is too far or gives no place"};
    size_t t = plan->trainings_teaching;
    if (t == 1)
        len = (size_t)snprintf(skills, sizeof skills, "%s",
                               fr ? "1 formation enseigne ces compétences, mais elle "
                                  : "1 training teaches these skills, but it ");
    else
        len = (size_t)snprintf(skills, sizeof skills,
                               fr ? "%zu formations enseignent ces compétences, mais "
                                  : "%zu trainings teach these skills, but ",
                               t);
    int first = 1;
    for (int k = 1; k < SM_PLAN_EXCLUDED_COUNT && len < sizeof skills; k++) {
        size_t n = plan->excluded[k];
        if (!n)
            continue;
        if (t == 1)
            len += (size_t)snprintf(skills + len, sizeof skills - len, "%s",
                                    fr ? fr_why_one[k] : en_why_one[k]);
        else
            len += (size_t)snprintf(
                skills + len, sizeof skills - len, "%s%zu %s", first ? "" : ", ", n,
                fr ? (n > 1 ? fr_why[k] : fr_why_one[k]) : (n > 1 ? en_why[k] : en_why_one[k]));
        /* The distance limit is the one asked, else the profile's radius. */
        if (k == SM_PLAN_EXCLUDED_DISTANCE && len < sizeof skills)
            len += (size_t)snprintf(skills + len, sizeof skills - len, "%s",
                                    c->max_distance_km >= 0 ? " (max_distance_km)"
                                    : fr                    ? " (radius_km du profil)"
                                                            : " (the profile's radius_km)");
        first = 0;
    }
    snprintf(buf, size, "%s.", skills);
}

static void free_path(sm_plan_path *p)
{
    for (size_t i = 0; i < p->step_count; i++) {
        sm_free(p->steps[i].training_id);
        sm_free(p->steps[i].title);
        sm_free(p->steps[i].covers);
        sm_free(p->steps[i].prepares);
        sm_free(p->steps[i].explanation);
    }
    sm_free(p->steps);
    sm_free(p->remaining);
    sm_free(p->remaining_essential);
    for (size_t i = 0; i < p->best_count; i++) {
        sm_free(p->best[i].id);
        sm_free(p->best[i].title);
    }
    sm_free(p->best);
}

void sm_plan_free(sm_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->path_count; i++)
        free_path(&plan->paths[i]);
    sm_free(plan->no_path_explanation);
    sm_free(plan);
}

/* Appends skill to the n skills of set unless it is there. */
static void add_skill_once(uint32_t *set, size_t *n, uint32_t skill)
{
    for (size_t i = 0; i < *n; i++)
        if (set[i] == skill)
            return;
    set[(*n)++] = skill;
}

/* Fills a path's steps, schedule, totals and remaining gap from the solver's answer. */
static int describe(planner *pl, const sm_taxonomy *tx, const sm_path_problem *prob,
                    const sm_path_training *tr, const sm_path *sol, sm_plan_path *out)
{
    out->steps = sm_calloc(sol->step_count + 1, sizeof *out->steps);
    out->remaining = sm_calloc(pl->element_count + 1, sizeof *out->remaining);
    out->remaining_essential = sm_calloc(pl->element_count + 1, 1);
    if (!out->steps || !out->remaining || !out->remaining_essential)
        return SM_ENOMEM;
    out->exact = sol->exact;
    double goal = 0;
    for (size_t e = 0; e < pl->element_count; e++)
        goal += pl->weight[e];
    out->coverage = goal > 0 ? sol->covered / goal : 1;
    out->max_distance_km = -1;
    sm_elems reached = prob->have;
    int32_t ready = pl->today;
    for (size_t i = 0; i < sol->step_count; i++) {
        const kept *k = &pl->kept[sol->steps[i]];
        sm_plan_step *st = &out->steps[out->step_count++];
        st->covers = sm_calloc(pl->element_count + 1, sizeof *st->covers);
        st->prepares = sm_calloc(pl->element_count + 1, sizeof *st->prepares);
        st->training_id = sm__dup_text(k->id);
        st->title = k->title ? sm__dup_text(k->title) : NULL;
        if (!st->covers || !st->prepares || !st->training_id || (k->title && !st->title))
            return SM_ENOMEM;
        for (size_t e = 0; e < pl->element_count; e++) {
            if (sm_elems_has(&reached, e) || !sm_elems_has(&tr[sol->steps[i]].teaches, e))
                continue;
            if (pl->weight[e] > 0) {
                add_skill_once(st->covers, &st->cover_count, pl->elements[e].skill);
                continue;
            }
            /* A prerequisite it gives: named when a later step needs it. */
            for (size_t j = i + 1; j < sol->step_count; j++)
                if (sm_elems_has(&tr[sol->steps[j]].requires, e)) {
                    add_skill_once(st->prepares, &st->prepare_count, pl->elements[e].skill);
                    if (!st->opens || j + 1 < st->opens)
                        st->opens = j + 1;
                    break;
                }
        }
        for (size_t w = 0; w < SM_PATH_MAX_ELEMENTS / 64; w++)
            reached.w[w] |= tr[sol->steps[i]].teaches.w[w];
        st->hours = k->hours;
        st->price = k->price;
        st->cost = k->euros;
        st->funded_by = k->funded_by;
        st->fundable_by = k->funding;
        st->distance_km = k->km;
        st->remote = k->remote;
        int32_t start = sm__session_from(k->dates, k->date_count, ready);
        st->start_known = start != 0;
        st->start = start ? start : ready;
        st->finish = st->start + (int32_t)ceil(k->hours / SM_PLAN_HOURS_PER_WEEK * 7.0);
        ready = st->finish;
        char sentence[4096];
        explain(sentence, sizeof sentence, tx, pl->c, i + 1, k, st);
        if (!(st->explanation = sm__dup_text(sentence)))
            return SM_ENOMEM;
        out->total_hours += k->hours;
        out->total_cost += k->euros;
        out->total_price += k->price;
        if (!k->remote && k->km > out->max_distance_km)
            out->max_distance_km = k->km;
    }
    out->finish = ready;
    for (size_t e = 0; e < pl->element_count; e++) {
        if (pl->weight[e] <= 0 || sm_elems_has(&reached, e))
            continue;
        size_t before = out->remaining_count;
        add_skill_once(out->remaining, &out->remaining_count, pl->elements[e].skill);
        if (out->remaining_count > before)
            out->remaining_essential[before] = pl->weight[e] >= 3.0;
    }
    return SM_OK;
}

/* The profile after a path: its claims, each taught skill raised to the level taught. */
static int after_path(const planner *pl, const sm_plan_path *p, sm_skill_claim **claims,
                      size_t *count)
{
    const sm_profile *pr = pl->profile;
    size_t cap = pr->skill_count + 1;
    for (size_t i = 0; i < p->step_count; i++) {
        uint32_t t;
        sm_strmap_get(pl->ids, p->steps[i].training_id, strlen(p->steps[i].training_id), &t);
        cap += pl->kept[t].teach_count;
    }
    sm_skill_claim *out = sm_malloc(cap * sizeof *out);
    if (!out)
        return SM_ENOMEM;
    size_t n = pr->skill_count;
    memcpy(out, pr->skills, n * sizeof *out);
    for (size_t i = 0; i < p->step_count; i++) {
        uint32_t t;
        sm_strmap_get(pl->ids, p->steps[i].training_id, strlen(p->steps[i].training_id), &t);
        const kept *k = &pl->kept[t];
        for (size_t j = 0; j < k->teach_count; j++) {
            uint8_t level = k->teaches[j].level ? k->teaches[j].level : 2;
            size_t x = 0;
            while (x < n && out[x].skill != k->teaches[j].skill)
                x++;
            if (x == n)
                out[n++] = (sm_skill_claim){k->teaches[j].skill, level, SM_EVIDENCE_CERTIFIED};
            else if (out[x].level && out[x].level < level) {
                out[x].level = level;
                out[x].evidence = SM_EVIDENCE_CERTIFIED;
            }
        }
    }
    *claims = out;
    *count = n < SM_MAX_PROFILE_SKILLS ? n : SM_MAX_PROFILE_SKILLS;
    return SM_OK;
}

/* Offers matched at or above the threshold now (their ids into now_ids), or after a path. */
static int unlocks(planner *pl, sm_plan_path *p, sm_strmap *now_ids, double threshold,
                   size_t best_count, sm_error *err)
{
    sm_skill_claim *claims;
    size_t n;
    if (after_path(pl, p, &claims, &n) != SM_OK)
        return SM_ENOMEM;
    sm_profile after = *pl->profile;
    after.skills = claims;
    after.skill_count = n;
    sm_match_options opts = {SM_OFFER_JOB, SM_MATCH_MAX_LIMIT, pl->today, pl->c->lang, 0, NULL};
    int rc = sm_match_count_above(pl->r, &after, &opts, threshold, &p->offers_after, err);
    if (rc >= 0) {
        p->best = sm_calloc(best_count + 1, sizeof *p->best);
        if (!p->best)
            rc = SM_ENOMEM;
        for (int i = 0; rc >= 0 && i < rc && p->best_count < best_count; i++) {
            const sm_match_result *res = sm_match_get(pl->r, (size_t)i);
            uint32_t v;
            if (sm_strmap_get(now_ids, res->id, strlen(res->id), &v))
                continue;
            sm_plan_offer *o = &p->best[p->best_count++];
            o->id = sm__dup_text(res->id);
            o->title = res->title ? sm__dup_text(res->title) : NULL;
            o->score = res->score;
            if (!o->id || (res->title && !o->title))
                rc = SM_ENOMEM;
        }
    }
    sm_free(claims);
    return rc < 0 ? rc : SM_OK;
}

int sm_match_paths(sm_match_reader *r, const sm_taxonomy *tx, const sm_profile *profile,
                   const sm_requirement *target, size_t target_count, const sm_path_constraints *c,
                   sm_plan **out, sm_error *err)
{
    *out = NULL;
    int gaps = sm_match_gaps(r, profile, target, target_count, 0, err);
    if (gaps < 0)
        return gaps;
    planner *pl = sm_calloc(1, sizeof *pl);
    sm_plan *plan = sm_calloc(1, sizeof *plan);
    sm_strmap *now_ids = sm_strmap_new();
    sm_path_training *tr = NULL;
    uint8_t *banned = NULL;
    int rc = SM_OK;
    if (!pl || !plan || !now_ids || !(pl->ids = sm_strmap_new()) || !(pl->seen = sm_strmap_new())) {
        rc = SM_ENOMEM;
        goto done;
    }
    pl->r = r;
    pl->m = sm_match_reader_matcher(r);
    pl->profile = profile;
    pl->c = c;
    pl->today = c->today ? c->today : sm_today();
    pl->distance_limit = c->max_distance_km >= 0                             ? c->max_distance_km
                         : profile->location.known && profile->radius_km > 0 ? profile->radius_km
                                                                             : -1;
    double threshold = c->threshold > 0 ? c->threshold : 0.5;
    size_t best_count = c->best_count ? c->best_count : 3;
    /* The gap's elements, then trainings and their prerequisites, rounds deep. */
    for (int i = 0; i < gaps && pl->element_count < SM_PATH_MAX_ELEMENTS; i++) {
        const sm_gap *g = sm_match_gap_get(r, (size_t)i);
        size_t e = element_of(pl, g->skill, g->required_level);
        pl->weight[e] = g->essential ? 3.0 : 1.0;
    }
    plan->gap_count = (size_t)gaps;
    for (int round = 0; round < 3 && rc == SM_OK; round++) {
        size_t n = pl->element_count;
        for (size_t e = 0; e < n && rc == SM_OK; e++)
            if (!pl->elements[e].gathered &&
                (pl->weight[e] > 0 ||
                 !person_has(pl, pl->elements[e].skill, pl->elements[e].level)))
                rc = gather(pl, e);
        for (size_t t = 0; t < pl->kept_count; t++) /* their prerequisites become elements */
            for (size_t i = 0; i < pl->kept[t].prereq_count; i++)
                element_of(pl, pl->kept[t].prereqs[i].skill, pl->kept[t].prereqs[i].level);
    }
    if (rc != SM_OK)
        goto done;
    tr = sm_calloc(pl->kept_count + 1, sizeof *tr);
    banned = sm_calloc(pl->kept_count + 1, 1);
    if (!tr || !banned) {
        rc = SM_ENOMEM;
        goto done;
    }
    build_trainings(pl, tr, banned);
    drop_dominated(pl, tr, banned);
    for (size_t t = 0; t < pl->kept_count; t++)
        plan->trainings_kept += !banned[t];
    sm_path_problem prob = {pl->element_count, pl->weight,  {{0}},  tr,           pl->kept_count,
                            c->max_hours,      c->max_cost, banned, c->max_labels};
    for (size_t e = 0; e < pl->element_count; e++)
        if (pl->weight[e] <= 0 && person_has(pl, pl->elements[e].skill, pl->elements[e].level))
            sm_elems_add(&prob.have, e);
    sm_path sols[3];
    int found = gaps > 0 ? sm_path_solve_many(&prob, sols, 3) : 0;
    if (found < 0) {
        rc = found;
        goto done;
    }
    /* Alternatives reach as much of the gap as the best path: a shorter list of skills is not
     * another way to the same job. */
    int complete = 0;
    for (int i = 0; i < found; i++)
        if (sols[i].covered >= sols[0].covered - 1e-9)
            sols[complete++] = sols[i];
    found = complete;
    plan->trainings_teaching = 0;
    for (int k = 0; k < SM_PLAN_EXCLUDED_COUNT; k++) {
        plan->excluded[k] = pl->tally[k];
        plan->trainings_teaching += pl->tally[k];
    }
    if (!found) {
        plan->no_path = gaps == 0                        ? SM_PLAN_NO_GAP
                        : plan->trainings_teaching == 0  ? SM_PLAN_NO_TRAINING
                        : pl->tally[SM_PLAN_USABLE] == 0 ? SM_PLAN_ALL_EXCLUDED
                                                         : SM_PLAN_NOT_COMBINABLE;
        uint32_t skills[SM_MAX_TARGET];
        size_t n = 0;
        for (int i = 0; i < gaps && n < SM_MAX_TARGET; i++)
            skills[n++] = sm_match_gap_get(r, (size_t)i)->skill;
        char sentence[4096];
        no_path_text(sentence, sizeof sentence, tx, c, plan, skills, n);
        if (!(plan->no_path_explanation = sm__dup_text(sentence))) {
            rc = SM_ENOMEM;
            goto done;
        }
    }
    /* What the person matches today, then after each path. */
    if (profile->skill_count) {
        sm_match_options opts = {SM_OFFER_JOB, SM_MATCH_MAX_LIMIT, pl->today, c->lang, 0, NULL};
        int kept_now = sm_match_count_above(r, profile, &opts, threshold, &plan->offers_now, err);
        if (kept_now < 0) {
            rc = kept_now;
            goto done;
        }
        for (int i = 0; i < kept_now; i++) {
            const sm_match_result *res = sm_match_get(r, (size_t)i);
            if (sm_strmap_put(now_ids, res->id, strlen(res->id), 1, NULL) < 0) {
                rc = SM_ENOMEM;
                goto done;
            }
        }
    }
    for (int i = 0; i < found && rc == SM_OK; i++) {
        sm_plan_path *p = &plan->paths[plan->path_count++];
        rc = describe(pl, tx, &prob, tr, &sols[i], p);
        if (rc == SM_OK)
            rc = unlocks(pl, p, now_ids, threshold, best_count, err);
    }
done:
    if (pl) {
        for (size_t t = 0; t < pl->kept_count; t++)
            free_kept(&pl->kept[t]);
        sm_free(pl->kept);
        sm_free(pl->batch);
        sm_strmap_free(pl->ids);
        sm_strmap_free(pl->seen);
    }
    sm_free(pl);
    sm_free(tr);
    sm_free(banned);
    sm_strmap_free(now_ids);
    if (rc != SM_OK) {
        sm_plan_free(plan);
        return rc == SM_ENOMEM ? sm_error_set(err, rc, "out of memory") : rc;
    }
    *out = plan;
    return SM_OK;
}
