/*
 * jobs.h: the jobs people name, tied to the taxonomy of a generation: an ESCO occupation (its
 * URI or UUID), a ROME code ("rome:D1505", "D1505") or a ROME job title ("ogr:11640",
 * "11640"), and the skills each brings.
 *
 * A job's skills come from ESCO where the crosswalk reaches it: an occupation's own essential
 * and optional skills; a title's through the ESCO occupations it is mapped to (exact and close
 * first, then broad: an occupation broader than the title, whose skills the title still needs;
 * narrow only when nothing else); a code's through the occupation its titles are mapped to most
 * often. Where that gives nothing (a title without mapping, an occupation without skill
 * relations: 2,002 titles and 594 occupations in ROME 4.0 and ESCO 1.1.1), the skills come from
 * the ROME code's own skill labels, each read by the extractor (in French) when the generation
 * was built; a label the extractor cannot read with confidence brings nothing. Each skill says
 * through what it came.
 */
#ifndef SM_JOBS_H
#define SM_JOBS_H

#include "api/http.h"
#include "api/service.h"

typedef enum sm_job_kind {
    SM_JOB_NONE = 0,
    SM_JOB_OCCUPATION, /* an ESCO occupation: index is its concept id */
    SM_JOB_ROME,       /* a ROME code: index into sm_rome's jobs */
    SM_JOB_TITLE       /* a ROME job title: index into sm_rome's titles */
} sm_job_kind;

typedef struct sm_job {
    sm_job_kind kind;
    uint32_t index;
} sm_job;

typedef enum sm_job_via {
    SM_VIA_OCCUPATION = 0, /* the ESCO occupation's skill relations */
    SM_VIA_ROME_SKILL      /* a ROME skill label, read by the extractor */
} sm_job_via;

typedef struct sm_job_skill {
    uint32_t concept; /* the skill */
    uint8_t essential;
    uint8_t via;         /* sm_job_via */
    uint8_t relation;    /* with SM_VIA_OCCUPATION from a title or code: sm_rome_relation */
    uint32_t occupation; /* SM_VIA_OCCUPATION: the occupation's concept id */
    uint32_t rome_skill; /* SM_VIA_ROME_SKILL: the label's index (sm_rome_label_at) */
    float confidence;    /* SM_VIA_ROME_SKILL: the extractor's */
} sm_job_skill;

/* The job an id names: "rome:D1505", "ogr:11640", an ESCO occupation URI or UUID; with
 * kind_hint (the field that carried it: "occupation", "rome", "appellation"), also a bare code
 * or number. SM_JOB_NONE when unknown. */
sm_job sm_job_find(const sm_gen *g, const char *id, const char *kind_hint);
/* Its skills, at most cap into out, essential first; how many in all. */
size_t sm_job_skills(const sm_gen *g, sm_job job, sm_job_skill *out, size_t cap);
/* Its id as the API writes it ("rome:D1505", "ogr:11640" or the occupation's URI) and its name
 * in lang. */
void sm_job_id(const sm_gen *g, sm_job job, char *out, size_t cap);
const char *sm_job_label(const sm_gen *g, sm_job job, sm_lang lang);
/* The ESCO occupations a job stands for (an occupation: itself; a title: its mapped ones; a
 * code: its titles'), into out; how many. The relation of each (exact for an occupation). */
size_t sm_job_occupations(const sm_gen *g, sm_job job, uint32_t *out, uint8_t *relation,
                          size_t cap);
/* The skills of a job as answers show them: {"essential": [...], "optional": [...]}, each
 * skill with what it came through ("via": "occupation" with the occupation and its crosswalk
 * relation, or "rome_skill" with the ROME label and the extractor's confidence). */
json_t *sm_job_skills_json(const sm_gen *g, sm_job job, sm_lang lang);
/* {"uri","label","relation"} of a ROME relation's occupation; {"id","label"} of a job. */
json_t *sm_job_ref_json(const sm_gen *g, sm_job job, sm_lang lang);

/* Jobs a person did (profiles' "experience"), at most SM_MAX_EXPERIENCE. */
#define SM_MAX_EXPERIENCE 20
/* Optional skills of a job are proposed from this many years in it (essential ones always). */
#define SM_EXPERIENCE_OPTIONAL_YEARS 2.0
typedef struct sm_experience {
    sm_job job;
    double years; /* 0 when not said */
} sm_experience;
/* Reads an "experience" array ([{"occupation": URI | "rome": "D1505" | "appellation": "11640",
 * "years": 5}]) into out, recording field errors; *norm (unless NULL) the array as stored
 * (each job's id and label added). Returns how many. */
size_t sm_read_experience(const sm_gen *g, json_t *arr, sm_experience *out, json_t **norm,
                          sm_lang lang, sm_field_errors *fe);
/* A skill proposed from experience e[experience]. */
typedef struct sm_proposal {
    sm_job_skill s;
    uint32_t experience;
} sm_proposal;
/* What the jobs propose: each job's essential skills, its optional ones from
 * SM_EXPERIENCE_OPTIONAL_YEARS on; a skill once (from the first job that brings it, essential
 * if any job needs it). At most cap into out; how many in all. */
size_t sm_experience_proposals(const sm_gen *g, const sm_experience *e, size_t n, sm_proposal *out,
                               size_t cap);
/* A proposal's "source": the job it came from and through what. */
json_t *sm_proposal_source(const sm_gen *g, const sm_experience *e, const sm_proposal *p,
                           sm_lang lang);

/* How many of the ROME skill labels map to an ESCO skill (bench/RESULTS.md). */
size_t sm_jobs_mapped_labels(const sm_gen *g);

#endif
