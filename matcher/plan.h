/*
 * plan.h: training paths for a person and a target. From the gap between the
 * profile and the target's requirements (sm_match_gaps), it gathers the
 * training offers that teach the gap's skills (and, two rounds deep, the
 * prerequisites those need), keeps those within the person's constraints,
 * solves the covering problem (paths.h), schedules each path's steps on
 * their start dates, explains each step in one sentence and counts the job
 * offers the person would match after it (sm_match_count_above).
 */
#ifndef SM_PLAN_H
#define SM_PLAN_H

#include "matcher/matcher.h"

/* Training offers kept per gap skill (the cheapest, after dominated ones are dropped). */
#define SM_PLAN_PER_SKILL 6
/* Hours a week of full-time training, to turn a training's hours into days. */
#define SM_PLAN_HOURS_PER_WEEK 35.0

typedef struct sm_path_constraints {
    double max_hours, max_cost; /* for the whole path; < 0 = none */
    double max_distance_km;     /* < 0: the profile's radius (none when it has none) */
    int remote_only;
    uint32_t funding; /* schemes the person may use: a training one of them funds costs nothing */
    const char *const *funding_names; /* the name of each funding bit, for explanations */
    int32_t start_before;             /* days; 0 = any: each step must be able to start by then */
    int32_t today;                    /* days; 0 = the current date */
    double threshold;                 /* unlocks: the score an offer must reach; 0 = 0.5 */
    size_t best_count;                /* unlocks: offers listed; 0 = 3 */
    sm_lang lang;                     /* explanations */
    size_t max_labels; /* the exact search's cap; 0 = SM_PATH_MAX_LABELS, 1 = greedy only */
} sm_path_constraints;

typedef struct sm_plan_step {
    char *training_id, *title;
    uint32_t *covers; /* the gap's skills this step reaches (first) */
    size_t cover_count;
    uint32_t *prepares; /* prerequisites of later steps this step reaches (first) */
    size_t prepare_count;
    size_t opens;              /* the first later step (1-based) that needs one of them; 0: none */
    double hours, price, cost; /* cost: what the person pays (0 when funded) */
    uint32_t funded_by;        /* the person's schemes that fund it */
    uint32_t fundable_by;      /* every scheme the training names */
    int32_t start, finish;     /* days */
    int start_known;           /* 0: no session dated after the previous step ends */
    double distance_km;        /* -1 unknown */
    int remote;
    char *explanation;
} sm_plan_step;

typedef struct sm_plan_offer {
    char *id, *title;
    double score;
} sm_plan_offer;

/* Why a training that teaches a skill of the gap cannot serve it, checked in this order. */
enum {
    SM_PLAN_USABLE = 0,
    SM_PLAN_EXCLUDED_EXPIRED,  /* past its validity */
    SM_PLAN_EXCLUDED_LEVEL,    /* teaches the skill below the level asked */
    SM_PLAN_EXCLUDED_REMOTE,   /* on site, and the person asked remote only */
    SM_PLAN_EXCLUDED_HOURS,    /* longer than max_hours */
    SM_PLAN_EXCLUDED_COST,     /* the person would pay more than max_cost */
    SM_PLAN_EXCLUDED_DATES,    /* no session ahead, or none starting by start_before */
    SM_PLAN_EXCLUDED_DISTANCE, /* beyond the distance limit, or its place unknown */
    SM_PLAN_EXCLUDED_COUNT
};

/* Why a plan has no path (SM_PLAN_PATH_FOUND when it has one). */
enum {
    SM_PLAN_PATH_FOUND = 0,
    SM_PLAN_NO_GAP,        /* the person has every skill of the target */
    SM_PLAN_NO_TRAINING,   /* no training teaches a skill of the gap */
    SM_PLAN_ALL_EXCLUDED,  /* some do, the constraints exclude each (excluded[] says how) */
    SM_PLAN_NOT_COMBINABLE /* some pass, but none can start: their prerequisites cannot be
                            * reached, or the budgets do not allow them together */
};

typedef struct sm_plan_path {
    sm_plan_step *steps;
    size_t step_count;
    double total_hours, total_cost, total_price, max_distance_km;
    int32_t finish;               /* the earliest day the last step ends */
    uint32_t *remaining;          /* gap skills no step reaches */
    uint8_t *remaining_essential; /* whether each is essential */
    size_t remaining_count;
    size_t offers_after; /* offers matched at or above the threshold after the path */
    sm_plan_offer *best; /* the best of them not matched so before */
    size_t best_count;
    double coverage; /* the gap weight it reaches, 0..1 (essential skills weigh 3, others 1) */
    int exact;       /* 1: the best path there is among the trainings kept (paths.h) */
} sm_plan_path;

typedef struct sm_plan {
    sm_plan_path paths[3];
    size_t path_count;
    size_t gap_count;                        /* the gap's skills */
    size_t offers_now;                       /* offers matched at or above the threshold today */
    size_t trainings_kept;                   /* the trainings the solver chose among */
    size_t trainings_teaching;               /* distinct trainings teaching a skill of the gap */
    size_t excluded[SM_PLAN_EXCLUDED_COUNT]; /* of them, by reason ([0]: usable) */
    int no_path;                             /* SM_PLAN_* when path_count is 0 */
    char *no_path_explanation;               /* one sentence saying why, when path_count is 0 */
} sm_plan;

/*
 * Plans up to three distinct paths (best first) from profile to target
 * (requirements, as for sm_match_gaps). Returns 0 and *out (free with
 * sm_plan_free), or SM_EINVAL / SM_ENOMEM with err set. A plan with no path
 * means no training within the constraints reaches any of the gap (or there
 * is no gap).
 */
int sm_match_paths(sm_match_reader *r, const sm_taxonomy *tx, const sm_profile *profile,
                   const sm_requirement *target, size_t target_count, const sm_path_constraints *c,
                   sm_plan **out, sm_error *err);
void sm_plan_free(sm_plan *plan);

/* ---- candidates one short training away --------------------------------- */

typedef struct sm_near_candidate {
    char *profile_id;
    double score; /* today's */
    char *training_id, *training_title;
    double hours, price, distance_km; /* distance -1: unknown or remote */
    int remote;
    uint32_t *covers; /* the offer's essential skills it teaches the person */
    size_t cover_count;
    char *explanation;
} sm_near_candidate;

typedef struct sm_near_list {
    sm_near_candidate *items;
    size_t count;
    size_t examined; /* candidates looked at */
} sm_near_list;

/*
 * Consenting candidates (visible to organisations) for the job offer with
 * this id who lack some of its essential skills, and one training that
 * teaches them all of those (at the levels asked, prerequisites met by what
 * they have, at most max_hours, a session ahead, within their radius or
 * remote): the cheapest such training each, best candidates first, up to
 * limit. Looks at the offer's SM_MATCH_MAX_LIMIT best candidates. Returns 0
 * and *out (free with sm_near_list_free), SM_ENOTFOUND, or SM_ENOMEM.
 */
int sm_match_near_candidates(sm_match_reader *r, const sm_taxonomy *tx, const char *offer_id,
                             double max_hours, size_t limit, sm_lang lang, sm_near_list **out,
                             sm_error *err);
void sm_near_list_free(sm_near_list *l);

#endif
