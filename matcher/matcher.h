/*
 * matcher.h: offers, profiles and explainable matching between them.
 *
 * An sm_matcher holds job offers, training offers and profiles in memory,
 * indexed by skill, over a finalized taxonomy (which must outlive it). One
 * writer at a time changes it (calls are serialised internally); any number
 * of reader threads query it at the same time, each through its own
 * sm_match_reader, without taking any lock. A change is visible to every
 * query that starts after the call returns.
 *
 * Scoring (see matcher/README.md for the reasons): each requirement of an
 * offer gets credit from the profile's best skill for it, 1 for the same
 * skill, the taxonomy similarity for a neighbouring one, reduced when the
 * profile's level is below the required level and weighted by evidence. The
 * skills score is the weighted mean of credits, essential requirements
 * weighing three times optional ones and rare skills more than ubiquitous
 * ones; distance within the mobility radius lowers it by up to 30%, beyond it
 * the offer is filtered out, as are expired offers.
 */
#ifndef SM_MATCHER_H
#define SM_MATCHER_H

#include "taxonomy/similarity.h"
#include "taxonomy/taxonomy.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sm_matcher sm_matcher;
typedef struct sm_match_reader sm_match_reader;

typedef enum sm_offer_kind { SM_OFFER_JOB = 0, SM_OFFER_TRAINING = 1 } sm_offer_kind;

typedef enum sm_evidence {
    SM_EVIDENCE_DECLARED = 0, /* said by the person */
    SM_EVIDENCE_VALIDATED,    /* confirmed by a counsellor */
    SM_EVIDENCE_ASSESSED,     /* measured by a test or a work trial */
    SM_EVIDENCE_CERTIFIED,    /* a diploma or certificate */
    /* proposed from a job the person did (experience: an occupation or ROME job title) and
     * confirmed by them: weighted between declared and validated (0.85) */
    SM_EVIDENCE_FROM_EXPERIENCE,
    SM_EVIDENCE_COUNT
} sm_evidence;

enum {
    SM_OFFER_REQUIRES_CAR = 1 << 0,
    SM_OFFER_SUPPORT = 1 << 1,     /* socio-professional support comes with the job */
    SM_OFFER_NO_DIPLOMA = 1 << 2,  /* open without diploma or experience */
    SM_OFFER_IAE_RESERVED = 1 << 3 /* reserved to people eligible for the IAE (insertion by
                                    * economic activity) */
};
enum {
    SM_PROFILE_REMOTE_ONLY = 1 << 0,
    SM_PROFILE_PART_TIME = 1 << 1, /* at most SM_PART_TIME_HOURS a week */
    SM_PROFILE_NO_CAR = 1 << 2,
    SM_PROFILE_NOT_IAE_ELIGIBLE = 1 << 3 /* said not eligible: IAE-reserved offers left out */
};
enum {
    SM_CONSENT_VISIBLE = 1 << 0,   /* visible to inclusion organisations */
    SM_CONSENT_STATISTICS = 1 << 9 /* counted (never shown) in skills demand statistics */
};

#define SM_PART_TIME_HOURS 30.0f
#define SM_MAX_REQUIREMENTS 64
#define SM_MAX_PROFILE_SKILLS 256
#define SM_MAX_LEVEL 8
#define SM_MATCH_MAX_LIMIT 200
#define SM_MAX_START_DATES 52
/* Requirements a gap or path target may list: every skill of the largest ESCO occupation (340
 * in ESCO 1.1.1), or SM_MAX_REQUIREMENTS of each of 20 offers. */
#define SM_MAX_TARGET 1280

/* A required (or taught) skill. level: minimum DigComp-style level 1..8, 0 = any. */
typedef struct sm_requirement {
    uint32_t skill;
    uint8_t essential;
    uint8_t level;
    float weight; /* > 0; 0 means 1 */
} sm_requirement;

typedef struct sm_skill_claim {
    uint32_t skill;
    uint8_t level;    /* 1..8, 0 = not stated */
    uint8_t evidence; /* an sm_evidence */
} sm_skill_claim;

typedef struct sm_geo {
    double lat, lon;
    int known;
} sm_geo;

/* An offer as given to sm_matcher_upsert_offer; the matcher copies it. */
typedef struct sm_offer {
    const char *id, *title, *organisation, *contract;
    sm_offer_kind kind;
    const sm_requirement *requirements; /* job: requirements; training: prerequisites */
    size_t requirement_count;
    const sm_requirement *teaches; /* training: skill and level reached */
    size_t teach_count;
    sm_geo location;
    int remote;
    float hours;                       /* per week, 0 = not stated */
    int32_t valid_from, valid_through; /* days since 1970-01-01, 0 = open */
    uint32_t occupation;               /* ESCO occupation, SM_NO_CONCEPT when unknown */
    unsigned flags;                    /* SM_OFFER_* */
    uint8_t org_kind, contract_type;   /* the caller's codes 1..31 (filters), 0 = not stated */
    float duration_hours, cost;        /* training */
    uint32_t seats;                    /* training */
    uint32_t funding;           /* training: the schemes that fund it, bits the caller names */
    const int32_t *start_dates; /* training: days; none = open entry (starts any day) */
    size_t start_date_count;    /* <= SM_MAX_START_DATES */
} sm_offer;

typedef struct sm_profile {
    const char *id;
    const sm_skill_claim *skills;
    size_t skill_count;
    sm_geo location;
    float radius_km;      /* 0 = no limit */
    unsigned constraints; /* SM_PROFILE_* */
    unsigned consent;     /* SM_CONSENT_* */
} sm_profile;

/* Parts of the score that evaluation can switch off. */
enum {
    SM_SCORE_NO_SIMILARITY = 1 << 0, /* exact skills only */
    SM_SCORE_NO_ESSENTIAL = 1 << 1,  /* essential and optional weigh the same */
    SM_SCORE_NO_RARITY = 1 << 2,     /* every skill weighs the same */
    SM_SCORE_NO_LEVEL = 1 << 3,
    SM_SCORE_NO_EVIDENCE = 1 << 4,
    SM_SCORE_NO_DISTANCE = 1 << 5,
    SM_SCORE_NO_DEPTH = 1 << 6 /* how many of the person's skills an offer draws on is ignored */
};

/* An offer that draws on this many of the person's skills (or on all of them, or covers all
 * it asks) is a full fit; one that draws on fewer is scaled down (matcher/README.md). */
#define SM_DEPTH_SKILLS 5

typedef enum sm_tier { SM_TIER_EXACT = 0, SM_TIER_CLOSE, SM_TIER_RELATED, SM_TIER_NONE } sm_tier;

/*
 * What a skill an offer asks for (or a training teaches) is to a person: the one definition
 * every answer uses (matcher/README.md, "Has it, close to it, lacks it").
 * - met: the person has the skill, or a close one (similarity >= 0.5), at the level asked
 *   (a level not stated on either side is given the benefit of the doubt): counted as had;
 * - under_level: the person has it, or a close one, but below the level asked: lacked;
 * - near: the person has only a loosely related skill (similarity 0.2 to 0.5): lacked,
 *   shown as "close to" that skill;
 * - missing: nothing related: lacked.
 */
typedef enum sm_req_status {
    SM_REQ_MET = 0,
    SM_REQ_UNDER_LEVEL,
    SM_REQ_NEAR,
    SM_REQ_MISSING
} sm_req_status;

/* One required (or taught) skill of a result and what it is to the person. */
typedef struct sm_match_item {
    uint32_t required; /* the offer's skill */
    uint32_t via;      /* the person's skill behind the status (SM_NO_CONCEPT: missing) */
    uint8_t essential, tier, status;       /* tier of via: exact, close, related (none: missing) */
    uint8_t required_level, profile_level; /* asked (0: any); the person's in via (0: unstated) */
    float similarity;                      /* of via to the required skill (1: the same) */
    float credit;  /* what the requirement adds to the skills score (its best claim's) */
    int level_gap; /* required_level - profile_level when both are stated and it is > 0 */
} sm_match_item;

/* Where the offer is, as the distance factor saw it. */
typedef enum sm_place {
    SM_PLACE_KNOWN = 0,      /* both places known: distance_km */
    SM_PLACE_REMOTE,         /* remote work: distance does not apply */
    SM_PLACE_OFFER_UNKNOWN,  /* on site, the offer gives no place: counted as far (see admit) */
    SM_PLACE_PROFILE_UNKNOWN /* the person gives no place: counted as far */
} sm_place;

/* A plain reading of a score (matcher/README.md): good when every essential requirement (or
 * prerequisite) is met and the score is at least SM_FIT_GOOD, partial from SM_FIT_PARTIAL. */
typedef enum sm_fit { SM_FIT_GOOD = 0, SM_FIT_PARTIAL, SM_FIT_WEAK } sm_fit;
#define SM_FIT_GOOD_SCORE 0.5
#define SM_FIT_PARTIAL_SCORE 0.25

/*
 * One reason of a result, in the order its sentence says them. items point into the
 * result's lists (matched, missing or teaches).
 * - essential: count of the total essential requirements are met; items: the met ones;
 * - lacking: the count essential requirements lacked (under level, near, missing);
 * - optional: count of the total optional requirements are met; items: the met ones;
 * - prerequisites (trainings): count of total are met; items: those lacked;
 * - teaches (trainings): items: the taught skills the person lacks (count), of total taught;
 * - distance: km (rounded to the metre, as shown); remote; place_unknown (place: whose).
 */
typedef enum sm_reason_kind {
    SM_REASON_ESSENTIAL = 0,
    SM_REASON_LACKING,
    SM_REASON_OPTIONAL,
    SM_REASON_PREREQUISITES,
    SM_REASON_TEACHES,
    SM_REASON_DISTANCE,
    SM_REASON_REMOTE,
    SM_REASON_PLACE_UNKNOWN
} sm_reason_kind;

typedef struct sm_reason {
    uint8_t kind;  /* an sm_reason_kind */
    uint8_t place; /* place_unknown: SM_PLACE_OFFER_UNKNOWN or SM_PLACE_PROFILE_UNKNOWN */
    uint32_t count, total;
    double km;
    const sm_match_item *items;
    size_t item_count;
} sm_reason;

typedef struct sm_match_result {
    const char *id, *title; /* offer or profile id; title of the offer */
    double score;
    /* score_breakdown */
    double skills, essential_coverage, optional_coverage, distance_factor;
    double depth;       /* the depth factor, 0..1 (1 for trainings) */
    double skills_used; /* the person's skills the offer draws on, each counted by its similarity */
    double distance_km; /* -1 when unknown or remote */
    uint8_t place;      /* an sm_place */
    uint8_t fit;        /* an sm_fit */
    const sm_match_item *matched; /* met requirements (prerequisites), essential first */
    size_t matched_count;
    const sm_match_item *missing; /* the others (under level, near, missing), essential first */
    size_t missing_count;
    const sm_match_item *teaches; /* trainings: the skills taught, and what each is to the person */
    size_t teach_count;
    const sm_reason *reasons; /* what justification says, as data */
    size_t reason_count;
    const char *justification; /* one sentence rendered from reasons (matcher/explain.c) */
} sm_match_result;

/*
 * What a person or counsellor chooses offers by. A set bit in org_kinds or
 * contract_types admits the offers of that code (1 << code); 0 admits all.
 * A filter on hours, support, diploma or remote admits only offers known to
 * satisfy it (an offer that does not state its hours fails max_hours).
 */
typedef struct sm_match_filter {
    uint32_t org_kinds, contract_types;
    float max_hours;  /* 0 = any */
    unsigned require; /* SM_OFFER_SUPPORT | SM_OFFER_NO_DIPLOMA | SM_OFFER_IAE_RESERVED */
    unsigned exclude; /* offers with any of these flags are left out (SM_OFFER_IAE_RESERVED) */
    int remote_only;
} sm_match_filter;

typedef struct sm_match_options {
    sm_offer_kind kind;
    size_t limit;                  /* clamped to 1..SM_MATCH_MAX_LIMIT; 0 means 20 */
    int32_t today;                 /* days since 1970-01-01; 0 = the current date */
    sm_lang lang;                  /* language of justifications and labels */
    unsigned disable;              /* SM_SCORE_* (brute-force scoring only) */
    const sm_match_filter *filter; /* offers only; NULL = none */
} sm_match_options;

/* ---- the store (one writer at a time) ----------------------------------- */

/* Returns a new matcher over tx, or SM_ENOMEM. */
int sm_matcher_new(const sm_taxonomy *tx, sm_matcher **out);
/*
 * The similarity parameters the matcher gives partial credit with: tuned for
 * substitution (a skill standing in for another), not for co-occurrence.
 */
void sm_matcher_sim_params(sm_sim_params *p);
/* As sm_matcher_new with another similarity model over tx (evaluation keeps
 * held-out occupations out of it); sim must outlive the matcher. */
int sm_matcher_new_with_similarity(const sm_taxonomy *tx, const sm_similarity *sim,
                                   sm_matcher **out);
/* Frees everything; no reader may be using it. NULL is a no-op. */
void sm_matcher_free(sm_matcher *m);

/*
 * Adds or replaces the offer with this id. Inputs are checked first; on an
 * error nothing changes and err names the field and the reason (e.g.
 * "requirements[3].skill: not a skill concept"). Returns 0, SM_EINVAL or
 * SM_ENOMEM.
 */
int sm_matcher_upsert_offer(sm_matcher *m, const sm_offer *offer, sm_error *err);
/* What sm_matcher_upsert_offer refuses (SM_EINVAL, err naming the field), checked alone and
 * changing nothing: a write validates with it before its transaction, so that a change the
 * database committed never meets a refusal of the index. */
int sm_matcher_check_offer(const sm_matcher *m, const sm_offer *offer, sm_error *err);
/* Removes the offer; SM_ENOTFOUND when there is none. */
int sm_matcher_delete_offer(sm_matcher *m, const char *id);
/*
 * Adds or replaces a stored profile, for candidate searches, near-candidates and demand. Of
 * its place the matcher keeps only the centre of the square of SM_PLACE_SQUARE_LAT by
 * SM_PLACE_SQUARE_LON degrees (about 2.2 by 1.8 km in France) holding it, squares aligned on
 * the grid's cells: what an organisation is shown (distance, score) then cannot place the
 * person more finely, however many offers it posts around them (api/README.md, "Privacy").
 * The person's own queries read their place from the store, exact.
 */
#define SM_PLACE_SQUARE_LAT 0.02
#define SM_PLACE_SQUARE_LON 0.025
int sm_matcher_upsert_profile(sm_matcher *m, const sm_profile *profile, sm_error *err);
/* The same for a profile (sm_matcher_check_offer). */
int sm_matcher_check_profile(const sm_matcher *m, const sm_profile *profile, sm_error *err);
int sm_matcher_delete_profile(sm_matcher *m, const char *id);

/*
 * The spatial grid files a skill's job postings by coarse cell once the skill
 * has coarse of them, by cell once it has postings (defaults 2048 and 16384),
 * and its profile postings by cell once it has postings (default 2048); rarer
 * skills keep one list. Changes apply to later upserts. Tests set small
 * numbers to exercise the grid on small data.
 */
void sm_matcher_set_grid_min_postings(sm_matcher *m, uint32_t coarse, uint32_t postings);
/* Whether queries accumulate job postings sixteen at a time with AVX-512 (on by default when
 * the CPU has it, unless SKILLMATCH_NO_AVX512=1): the same results either way, which tests
 * check by turning it off. Not while queries run. Returns whether it is on. */
int sm_matcher_set_wide(sm_matcher *m, int on);

size_t sm_matcher_offer_count(const sm_matcher *m, sm_offer_kind kind);
size_t sm_matcher_profile_count(const sm_matcher *m);
/* Slots emptied by updates and deletes since the index was built. They are never reused, and
 * each keeps costing memory (its directory entries, every reader's per-slot arrays) until the
 * index is built again: a server rebuilds it when they pass half the live ones (api/writer.c). */
size_t sm_matcher_emptied_slots(const sm_matcher *m);
/* Bytes held by records and indexes (approximate). */
size_t sm_matcher_memory(const sm_matcher *m);
/*
 * Updates and deletes leave postings of emptied slots in the lists (queries
 * skip them); this rewrites the lists of skills where they have reached a
 * quarter of what the skill ever held, until about budget postings were
 * read. It runs as the writer (queries go on undisturbed) and costs about
 * 2 ns per posting read: call it between writes, e.g. every few seconds
 * with a budget of a few million. Returns the postings dropped.
 */
size_t sm_matcher_compact(sm_matcher *m, size_t budget);

/* ---- queries (any number of threads, one reader each) ------------------- */

/* A query context for one thread; NULL when out of memory or too many readers. */
sm_match_reader *sm_match_reader_new(sm_matcher *m);
/* Sizes the reader's per-slot arrays for the offers and profiles indexed now, as its first
 * query would: a reader made ahead (a server's start-up) spares that query the allocation. */
int sm_match_reader_reserve(sm_match_reader *r);
/* The matcher a reader queries. */
sm_matcher *sm_match_reader_matcher(const sm_match_reader *r);
void sm_match_reader_free(sm_match_reader *r);

/*
 * Ranks offers of options->kind for the profile. Returns the number of
 * results (0 when nothing fits), or SM_EINVAL with a message in err (an
 * empty profile gets no scores: "profile.skills: empty, add at least one
 * skill to get matches"), or SM_ENOMEM. Results stay valid until the next
 * query on r.
 */
int sm_match_offers(sm_match_reader *r, const sm_profile *profile, const sm_match_options *opts,
                    sm_error *err);
/*
 * Ranks consenting profiles for the job offer with this id (SM_ENOTFOUND when
 * absent). The id lookup briefly takes the writers' mutex (the id map is the
 * writer's); the ranking itself takes no lock.
 */
int sm_match_candidates(sm_match_reader *r, const char *offer_id, const sm_match_options *opts,
                        sm_error *err);
size_t sm_match_count(const sm_match_reader *r);
const sm_match_result *sm_match_get(const sm_match_reader *r, size_t index);

/* What the last sm_match_offers or sm_match_candidates on a reader did (benchmarks, tests). */
typedef struct sm_match_stats {
    size_t postings;   /* postings walked */
    size_t crossed;    /* slots whose bound reached the lowest top-k band */
    size_t considered; /* slots whose bound could still enter the top-k: filters read */
    size_t exact;      /* slots scored exactly from their records */
    size_t filtered;   /* considered offers the query's filters left out (every one that shares
                        * a skill with the profile when fewer results than asked came back) */
    int full_scan;     /* 1 when top-k had to read every accumulator (a low k-th score) */
} sm_match_stats;
void sm_match_last_stats(const sm_match_reader *r, sm_match_stats *out);

/*
 * The score of one offer for one profile, computed directly (no index), with
 * parts switched off by opts->disable; fills *result when not NULL (valid
 * until the next call on r). Returns 0 when the offer is filtered out
 * (expired, beyond the radius, a constraint), 1 when it has a score, or an
 * error. The index and this function agree on every score.
 */
int sm_match_score(sm_match_reader *r, const sm_offer *offer, const sm_profile *profile,
                   const sm_match_options *opts, double *score, const sm_match_result **result);

/*
 * The similarity the matcher gives credit with: 1 for the same skill, the
 * taxonomy similarity when either skill is among the other's neighbours and
 * it is at least 0.2, else 0. Symmetric.
 */
float sm_matcher_similarity(const sm_matcher *m, uint32_t a, uint32_t b);
/* skill's neighbours as the matcher sees them (up to cap copied); returns how many there are. */
size_t sm_matcher_neighbours(const sm_matcher *m, uint32_t skill, uint32_t *skills, float *sims,
                             size_t cap);
/*
 * The same in two steps, for scoring many offers against one profile:
 * sm_match_prepare expands the profile (with opts->disable parts off; the
 * profile must stay unchanged), then sm_match_score_prepared scores each
 * offer. Any other query on r forgets the prepared profile (SM_EINVAL).
 */
int sm_match_prepare(sm_match_reader *r, const sm_profile *profile, unsigned disable);
int sm_match_score_prepared(sm_match_reader *r, const sm_offer *offer, const sm_match_options *opts,
                            double *score, const sm_match_result **result);

/* ---- gaps and what path planning reads (matcher/plan.c builds paths) ---- */

/*
 * Copies the requirements of the job offer with this id into out (at most
 * SM_MAX_REQUIREMENTS); returns how many, SM_ENOTFOUND, or SM_EINVAL for a
 * training offer. Briefly takes the writers' mutex (the id map is theirs).
 */
int sm_matcher_offer_requirements(sm_matcher *m, const char *id, sm_requirement *out);

/*
 * Whether claims meet skill at level: the person has it, or a close one (similarity >= 0.5),
 * at the level asked (a level unstated on either side given the benefit of the doubt). The
 * met status of sm_req_status, for callers without an expanded profile (path planning).
 */
int sm_matcher_claims_meet(const sm_matcher *m, const sm_skill_claim *claims, size_t n,
                           uint32_t skill, uint8_t level);

/*
 * Copies the stored profile with this id into *out, its claims into claims
 * (SM_MAX_PROFILE_SKILLS); out->id is NULL (the caller has it). Returns 0 or
 * SM_ENOTFOUND. Briefly takes the writers' mutex.
 */
int sm_matcher_profile_copy(sm_matcher *m, const char *id, sm_profile *out, sm_skill_claim *claims);

/* A skill a target asks for that the person lacks (sm_req_status other than met). */
typedef struct sm_gap {
    uint32_t skill;
    uint8_t essential, required_level;
    uint8_t status;         /* SM_REQ_UNDER_LEVEL, SM_REQ_NEAR or SM_REQ_MISSING */
    uint8_t profile_level;  /* under level: the person's level in it (or in a close skill) */
    uint8_t under_level;    /* 1: the person has it, or a close skill, below required_level */
    uint32_t closest;       /* the person's skill behind the status (under level: the close one;
                             * near: the most similar), SM_NO_CONCEPT when missing */
    float similarity;       /* of closest */
    uint32_t offers_nearby; /* open job offers within the person's radius asking for it */
} sm_gap;

/*
 * The gaps between a profile (which may have no skills) and a target's
 * requirements (duplicates merged: the highest level, essential if any is):
 * every requirement whose sm_req_status is not met, the definition the match
 * explanations use. Essential first, then the most
 * asked for nearby (offers_nearby is counted only when count_offers is set). Returns how many, or
 * SM_EINVAL / SM_ENOMEM with err set. Results stay valid until the next query on r.
 */
int sm_match_gaps(sm_match_reader *r, const sm_profile *profile, const sm_requirement *target,
                  size_t target_count, int count_offers, sm_error *err);
const sm_gap *sm_match_gap_get(const sm_match_reader *r, size_t index);

/*
 * Counts the open job offers the profile matches with a score of at least
 * threshold (filters and radius applied as in sm_match_offers), into *count,
 * and keeps the best opts->limit of them as results (sm_match_get: id,
 * title and score only, without explanations). Returns the number of
 * results kept, or an error as sm_match_offers.
 */
int sm_match_count_above(sm_match_reader *r, const sm_profile *profile,
                         const sm_match_options *opts, double threshold, size_t *count,
                         sm_error *err);

/* A training offer as path planning reads it; pointers valid until the callback returns. */
typedef struct sm_training_view {
    const char *id, *title;
    const sm_requirement *teaches, *prerequisites;
    size_t teach_count, prerequisite_count;
    float duration_hours, cost;
    uint32_t funding;
    const int32_t *start_dates; /* sorted; none: open entry */
    size_t start_date_count;
    int remote, has_location;
    double lat, lon;
    int32_t valid_from, valid_through;
} sm_training_view;

/*
 * The grid cell the index files an offer or a profile under, row by row (UINT32_MAX when
 * remote or unlocated). A bulk load that inserts in this order gives the objects of one
 * area neighbouring slots: a located query then reads and writes a few compact ranges of
 * per-slot state instead of scattered cache lines, and inserting is faster too
 * (bench/RESULTS.md, issue 4).
 */
uint32_t sm_area_cell(int located, int remote, double lat, double lon);

/* The great-circle distance the matcher uses (haversine, 6,371 km sphere). */
double sm_distance_km(double lat1, double lon1, double lat2, double lon2);

/*
 * Calls fn for each live training offer teaching skill (each once per call);
 * stops when fn returns non-zero and returns that. Takes no lock.
 */
int sm_match_trainings_teaching(sm_match_reader *r, uint32_t skill,
                                int (*fn)(void *arg, const sm_training_view *t), void *arg);

/* ---- skills demand ---------------------------------------------------------- */

/* An offer this many skills short at most, below this score, makes a person "one (or two)
 * skill(s) away" by its missing essential skills. */
#define SM_AWAY_THRESHOLD 0.5
#define SM_AWAY_OFFERS 50 /* the person's best offers looked at */

/*
 * Counts of people in skills demand are published per grid cell (the index's 0.5-degree cells,
 * matcher/README.md): a cell's count below SM_DEMAND_MIN_PEOPLE counts 0, any other is rounded
 * down to a multiple of SM_DEMAND_ROUND, and an area's count is the sum of its cells'. Every
 * answer about people (an area's, the country's, the weekly history) is computed from these
 * published counts only, so no combination of answers tells a cell's count below 5
 * (api/README.md, "Privacy", says against whom and how far).
 */
#define SM_DEMAND_MIN_PEOPLE 5
#define SM_DEMAND_ROUND 5

typedef struct sm_demand_query {
    int located;                /* 0: everywhere (remote and unlocated items included) */
    double lat, lon, radius_km; /* the area: the grid cells that reach within radius_km */
    unsigned collections;       /* SM_COLL_* a skill must be in (any of them); 0 = any skill */
    uint32_t occupation;        /* only the skills it asks for; SM_NO_CONCEPT = any */
    size_t top;                 /* rows, 1..1000 (0 = 20; SIZE_MAX = every skill counted) */
    int exact_people;           /* 1: people as counted (tests, benchmarks); 0: as published */
} sm_demand_query;

/* A grid cell of an area: its number and its south-west corner (SM_DEMAND_CELL_DEG wide). */
#define SM_DEMAND_CELL_DEG 0.5
typedef struct sm_demand_cell {
    uint32_t id;
    double south, west;
} sm_demand_cell;

/*
 * The cells of a located query's area: every grid cell of which some point is within
 * radius_km of (lat, lon), row by row, west to east (at most cap; returns how many there are).
 * The area an answer counts is exactly these cells.
 */
size_t sm_demand_area_cells(const sm_demand_query *q, sm_demand_cell *out, size_t cap);

typedef struct sm_demand_row {
    uint32_t skill;
    uint32_t offers_essential, offers_optional; /* job offers asking for it */
    uint32_t trainings, seats;                  /* training offers teaching it, their seats */
    uint32_t profiles;           /* profiles having it (consented to statistics), published */
    uint32_t one_away, two_away; /* profiles one (two) skill(s) away through it, published */
    double unmet; /* D^2 / (D + S): D = essential + optional / 2, S = profiles + seats */
} sm_demand_row;

typedef struct sm_demand_status {
    size_t profiles;  /* profiles counted in the area (consented to statistics), summed from
                       * its cells as every people count is (published unless exact_people) */
    size_t evaluated; /* of them, those whose one/two-away skills are known (the same way) */
    int complete;     /* 0 while a load's counts are being caught up, or when an allocation
                       * failure left some counts short */
} sm_demand_status;

/*
 * The skills most in demand and least supplied in an area, from counters the
 * writers keep up to date (no scan of offers or profiles): rows sorted by
 * unmet demand, then demand. Counts are exact for offers, trainings and
 * profiles as of the last change; expired offers count until deleted. The
 * one/two-away counts come from sm_matcher_demand_refresh. Returns the number
 * of rows (sm_match_demand_get), or SM_EINVAL / SM_ENOMEM with err set.
 */
int sm_match_demand(sm_match_reader *r, const sm_demand_query *q, sm_demand_status *status,
                    sm_error *err);
const sm_demand_row *sm_match_demand_get(const sm_match_reader *r, size_t index);

/*
 * Evaluates the next budget profiles (round robin over those that consented
 * to statistics): which skills each is one or two away by, among its
 * SM_AWAY_OFFERS best offers scoring below SM_AWAY_THRESHOLD (their missing
 * essential skills, when there are one or two), and updates the counters.
 * A background thread calls it; uses r for the matching. It first applies
 * the counters' changes the writers logged since the last call, and
 * sm_matcher_demand_expire for today. Returns the profiles evaluated.
 */
size_t sm_matcher_demand_refresh(sm_match_reader *r, size_t budget);
/*
 * Offers count in demand until their closing date (valid_through): an upsert
 * of one already closed adds nothing, and on the first call of a new day this
 * takes out those that closed since (one pass over the offers; later calls
 * that day return at once).
 */
void sm_matcher_demand_expire(sm_matcher *m, int32_t today);

/*
 * A bulk load (a server's start) calls sm_matcher_demand_defer first: upserts
 * then leave the demand counters alone. sm_matcher_demand_catch_up counts up
 * to budget offers and profiles a call (under the writers' mutex, briefly),
 * changes made meanwhile counted correctly; it returns 1 once the counters
 * are live (and at once when nothing was deferred). Until then
 * sm_match_demand reports them incomplete.
 */
void sm_matcher_demand_defer(sm_matcher *m);
int sm_matcher_demand_catch_up(sm_matcher *m, size_t budget);

/* The weight of a skill for its rarity: 1 for skills few occupations ask for, down to ~0.35. */
float sm_matcher_rarity(const sm_matcher *m, uint32_t skill);
/* The days-since-1970 number of today (UTC). */
int32_t sm_today(void);

#endif
