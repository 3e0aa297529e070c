/*
 * gen.c: building a generation from PostgreSQL (see service.h): the
 * taxonomy, then every offer and profile streamed with COPY ... TO STDOUT
 * and inserted into a new matcher; the per-thread scratch pools; the
 * vocabularies of records.h; and the current generation's reference count (acquired by
 * each request, swapped by the writer's reload).
 */
#include "api/jsonw.h"
#include "api/records.h"
#include "api/search.h"
#include "api/service.h"
#include "sql/copy.h"
#include "sql/offers.h"
#include "sql/places.h"
#include "sql/profiles.h"
#include "sql/rome.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/clock.h"

#include <ctype.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Codes are stored: new names go at the end, none is ever renamed or reused. */
const char *const sm_org_kinds[] = {"",
                                    "association",
                                    "cooperative",
                                    "mutual",
                                    "foundation",
                                    "social_enterprise",
                                    "aci",
                                    "ei",
                                    "etti",
                                    "ai",
                                    "adapted_enterprise",
                                    "esat",
                                    "public",
                                    "company",
                                    "eiti",
                                    "geiq",
                                    "eatt",
                                    "opcs",
                                    "scop",
                                    "scic",
                                    NULL};
const int sm_org_kind_count = 20;
const char *const sm_contract_types[] = {"",
                                         "CDI",
                                         "CDD",
                                         "CDDI",
                                         "PEC",
                                         "apprenticeship",
                                         "professionalisation",
                                         "interim",
                                         "internship",
                                         "civic_service",
                                         "freelance",
                                         "CDD_tremplin",
                                         "CDI_inclusion",
                                         NULL};
const int sm_contract_type_count = 13;

/* The vocabulary's labels (GET /v1/vocabulary), in the order of the codes above. */
const sm_term_label sm_org_kind_labels[] = {
    {"", ""},
    {"association", "association"},
    {"coopérative", "cooperative"},
    {"mutuelle", "mutual"},
    {"fondation", "foundation"},
    {"entreprise sociale (ESUS)", "social enterprise"},
    {"atelier et chantier d'insertion (ACI)", "integration workshop (ACI)"},
    {"entreprise d'insertion (EI)", "integration enterprise (EI)"},
    {"entreprise de travail temporaire d'insertion (ETTI)",
     "temporary work integration enterprise (ETTI)"},
    {"association intermédiaire (AI)", "intermediary association (AI)"},
    {"entreprise adaptée (EA)", "adapted enterprise (EA)"},
    {"établissement et service d'aide par le travail (ESAT)",
     "sheltered work establishment (ESAT)"},
    {"employeur public", "public employer"},
    {"entreprise", "company"},
    {"entreprise d'insertion par le travail indépendant (EITI)",
     "integration through self-employment enterprise (EITI)"},
    {"groupement d'employeurs pour l'insertion et la qualification (GEIQ)",
     "employers' group for integration and qualification (GEIQ)"},
    {"entreprise adaptée de travail temporaire (EATT)", "adapted temporary work enterprise (EATT)"},
    {"organisme porteur de chantier de services (OPCS)",
     "organisation running a service worksite (OPCS)"},
    {"société coopérative et participative (SCOP)", "worker cooperative (SCOP)"},
    {"société coopérative d'intérêt collectif (SCIC)", "collective-interest cooperative (SCIC)"},
};
const sm_term_label sm_contract_type_labels[] = {
    {"", ""},
    {"CDI (contrat à durée indéterminée)", "permanent contract (CDI)"},
    {"CDD (contrat à durée déterminée)", "fixed-term contract (CDD)"},
    {"CDDI (CDD d'insertion)", "integration fixed-term contract (CDDI)"},
    {"PEC (parcours emploi compétences, CUI)", "PEC subsidised contract (CUI)"},
    {"contrat d'apprentissage", "apprenticeship"},
    {"contrat de professionnalisation", "professionalisation contract"},
    {"intérim", "temporary work"},
    {"stage", "internship"},
    {"service civique", "civic service"},
    {"indépendant", "freelance"},
    {"CDD tremplin (entreprise adaptée)", "springboard fixed-term contract (adapted enterprise)"},
    {"CDI inclusion (seniors en IAE)", "inclusion permanent contract (IAE, over 57)"},
};

/* Names another spells: a CUI is a PEC since 2018. */
static const char *const contract_aliases[][2] = {{"CUI", "PEC"}, {"CUI-CAE", "PEC"}};
const char *const sm_evidence_names[] = {"declared",  "validated",       "assessed",
                                         "certified", "from_experience", NULL};
const char *const sm_funding_names[] = {"CPF", "OPCO",    "France Travail", "region", "employer",
                                        "PIC", "AGEFIPH", "self",           NULL};

/* name folded for comparison into out: ASCII letters and digits in lower case, the accented
 * letters of French as their base letter, everything else left out. */
static void fold_name(const char *name, char *out, size_t cap)
{
    static const char from[] = "àâäáçéèêëîïíôöóùûüúÿñ", to[] = "aaaaceeeeiiiooouuuuyn";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && n + 1 < cap; p++) {
        if (*p < 0x80) {
            if (isalnum(*p))
                out[n++] = (char)tolower(*p);
            continue;
        }
        if ((*p == 0xc3 || *p == 0xc5) && p[1]) { /* a two-byte letter of Latin-1 */
            unsigned char lower = *p == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e ? p[1] + 0x20 : p[1];
            for (size_t k = 0; k + 1 < sizeof from; k += 2)
                if ((unsigned char)from[k] == 0xc3 && (unsigned char)from[k + 1] == lower) {
                    out[n++] = to[k / 2];
                    break;
                }
            p++;
        }
    }
    out[n] = '\0';
}

uint32_t sm_funding_bit(const char *name)
{
    /* Each scheme's bit, then the names it goes by, folded. */
    static const struct {
        int bit;
        const char *folded;
    } names[] = {
        {0, "cpf"},
        {0, "comptepersonneldeformation"},
        {0, "moncompteformation"},
        {1, "opco"},
        {2, "francetravail"},
        {2, "poleemploi"},
        {3, "region"},
        {3, "laregion"},
        {3, "conseilregional"},
        {4, "employer"},
        {4, "employeur"},
        {5, "pic"},
        {5, "plandinvestissementdanslescompetences"},
        {6, "agefiph"},
        {7, "self"},
        {7, "autofinancement"},
        {7, "selffunded"},
        {7, "financementpersonnel"},
    };
    char folded[128];
    if (!name)
        return 0;
    fold_name(name, folded, sizeof folded);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(names[i].folded, folded))
            return 1u << names[i].bit;
    return 0;
}

int sm_code_of(const char *const *names, int count, const char *name)
{
    if (names == sm_contract_types && name)
        for (size_t i = 0; i < sizeof contract_aliases / sizeof *contract_aliases; i++)
            if (!strcmp(contract_aliases[i][0], name))
                name = contract_aliases[i][1];
    for (int i = 1; i < count; i++)
        if (name && strcmp(names[i], name) == 0)
            return i;
    return 0;
}

void sm_names_list(const char *const *names, int count, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 1; i < count && n + 1 < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i > 1 ? ", " : "", names[i]);
}

typedef int (*row_fn)(sm_gen *g, char **f, int nf, sm_error *err);
/* The area cell of a row split into fields (sm_area_cell). */
typedef uint32_t (*cell_fn)(char **f, int nf);

/*
 * A chunk of a COPY's rows kept whole, then inserted in area order (sm_area_cell): the index
 * gives the offers (or profiles) of one area neighbouring slots, so a located query works in
 * compact ranges of per-slot state, and the inserts themselves run faster (bench/RESULTS.md).
 * The text goes into blocks of STASH_CHUNK bytes.
 */
#define STASH_CHUNK ((size_t)8 << 20)

typedef struct stash {
    char **chunks;
    size_t chunk_count, used; /* bytes used in the last chunk */
    char **rows;              /* by arrival, each NUL-terminated */
    uint64_t *order;          /* cell << 32 | arrival */
    size_t n, cap;
} stash;

static void stash_free(stash *st)
{
    for (size_t i = 0; i < st->chunk_count; i++)
        sm_free(st->chunks[i]);
    sm_free(st->chunks);
    sm_free(st->rows);
    sm_free(st->order);
    memset(st, 0, sizeof *st);
}

/* Copies a row (len bytes, no newline) into the stash; its cell is set after. */
static int stash_add(stash *st, const char *row, size_t len)
{
    if (st->n == UINT32_MAX)
        return SM_ENOMEM;
    if (!st->chunk_count || st->used + len + 1 > STASH_CHUNK) {
        size_t size = len + 1 > STASH_CHUNK ? len + 1 : STASH_CHUNK;
        char **chunks = sm_realloc(st->chunks, (st->chunk_count + 1) * sizeof *chunks);
        if (!chunks)
            return SM_ENOMEM;
        st->chunks = chunks;
        if (!(chunks[st->chunk_count] = sm_malloc(size)))
            return SM_ENOMEM;
        st->chunk_count++;
        st->used = 0;
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 4096;
        char **rows = sm_realloc(st->rows, cap * sizeof *rows);
        if (rows)
            st->rows = rows;
        uint64_t *order = rows ? sm_realloc(st->order, cap * sizeof *order) : NULL;
        if (!order)
            return SM_ENOMEM;
        st->order = order;
        st->cap = cap;
    }
    char *at = st->chunks[st->chunk_count - 1] + st->used;
    memcpy(at, row, len);
    at[len] = '\0';
    st->used += len + 1;
    st->rows[st->n] = at;
    st->order[st->n] = st->n;
    st->n++;
    return SM_OK;
}

static void stash_set_cell(stash *st, uint32_t cell)
{
    st->order[st->n - 1] |= (uint64_t)cell << 32;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts the stash by area and hands each row to fn, split into fields, in that order. */
static int stash_insert(stash *st, sm_gen *g, row_fn fn, size_t *rows, sm_error *err)
{
    qsort(st->order, st->n, sizeof *st->order, by_key);
    char *fields[24];
    int rc = SM_OK;
    for (size_t i = 0; i < st->n && rc == SM_OK; i++) {
        char *row = st->rows[(uint32_t)st->order[i]];
        int nf = sm_copy_split_row(row, strlen(row), fields, 24);
        rc = fn(g, fields, nf, err);
        ++*rows;
    }
    return rc;
}

static double num(const char *s)
{
    return s ? strtod(s, NULL) : 0;
}

static int offer_row(sm_gen *g, char **f, int nf, sm_error *err)
{
    if (nf != 20)
        return sm_error_set(err, SM_EPARSE, "offers: a row with %d columns", nf);
    int32_t packed[SM_MAX_REQUIREMENTS], taught[SM_MAX_REQUIREMENTS];
    int nr = sm_copy_int_array(f[3], packed, SM_MAX_REQUIREMENTS),
        nt = sm_copy_int_array(f[4], taught, SM_MAX_REQUIREMENTS);
    if (nr < 0 || nt < 0)
        return sm_error_set(err, SM_EPARSE, "offers %s: bad skills array", f[0]);
    sm_requirement reqs[SM_MAX_REQUIREMENTS], teaches[SM_MAX_REQUIREMENTS];
    size_t kept = 0, kept_t = 0;
    for (int i = 0; i < nr; i++) {
        uint32_t cid;
        int ess, level;
        sm_unpack_requirement(packed[i], &cid, &ess, &level);
        uint32_t id = sm_concept_id(&g->map, cid);
        if (id != SM_NO_CONCEPT)
            reqs[kept++] = (sm_requirement){id, (uint8_t)ess, (uint8_t)level, 0};
    }
    for (int i = 0; i < nt; i++) {
        uint32_t cid;
        int ess, level;
        sm_unpack_requirement(taught[i], &cid, &ess, &level);
        uint32_t id = sm_concept_id(&g->map, cid);
        if (id != SM_NO_CONCEPT)
            teaches[kept_t++] = (sm_requirement){id, 1, (uint8_t)level, 0};
    }
    sm_offer o;
    memset(&o, 0, sizeof o);
    o.id = f[0];
    o.kind = f[1] && atoi(f[1]) == 1 ? SM_OFFER_TRAINING : SM_OFFER_JOB;
    o.title = f[2];
    o.requirements = reqs;
    o.requirement_count = kept;
    o.teaches = teaches;
    o.teach_count = kept_t;
    o.location.known = f[5] && f[6];
    o.location.lat = num(f[5]);
    o.location.lon = num(f[6]);
    o.remote = f[7] && f[7][0] == 't';
    o.hours = (float)num(f[8]);
    o.valid_from = (int32_t)num(f[9]);
    o.valid_through = (int32_t)num(f[10]);
    o.occupation = f[11] ? sm_concept_id(&g->map, (uint32_t)num(f[11])) : SM_NO_CONCEPT;
    o.flags = (unsigned)num(f[12]);
    o.org_kind = (uint8_t)num(f[13]);
    o.contract_type = (uint8_t)num(f[14]);
    o.duration_hours = (float)num(f[15]);
    o.cost = (float)num(f[16]);
    o.seats = (uint32_t)num(f[17]);
    o.funding = (uint32_t)num(f[18]);
    int32_t dates[SM_MAX_START_DATES];
    int nd = sm_copy_int_array(f[19], dates, SM_MAX_START_DATES);
    o.start_dates = dates;
    o.start_date_count = nd > 0 ? (size_t)nd : 0;
    int rc = sm_matcher_upsert_offer(g->m, &o, err);
    if (rc == SM_EINVAL) {
        /* A stored offer the index refuses (its skills left the taxonomy): skip it, say so. */
        if (g->refused++ < 5)
            fprintf(stderr, "skillmatch: offer %s not indexed: %s\n", f[0], err->message);
        return SM_OK;
    }
    return rc;
}

/* An offer row's area: lat, lon and remote are its fields 5 to 7. */
static uint32_t offer_cell(char **f, int nf)
{
    return nf == 20 ? sm_area_cell(f[5] && f[6], f[7] && f[7][0] == 't', num(f[5]), num(f[6]))
                    : UINT32_MAX;
}

/* A profile row's area: lat and lon are its fields 2 and 3. */
static uint32_t profile_cell(char **f, int nf)
{
    return nf == 7 ? sm_area_cell(f[2] && f[3], 0, num(f[2]), num(f[3])) : UINT32_MAX;
}

static int profile_row(sm_gen *g, char **f, int nf, sm_error *err)
{
    if (nf != 7)
        return sm_error_set(err, SM_EPARSE, "profiles: a row with %d columns", nf);
    int32_t packed[SM_MAX_PROFILE_SKILLS];
    int n = sm_copy_int_array(f[1], packed, SM_MAX_PROFILE_SKILLS);
    if (n < 0)
        return sm_error_set(err, SM_EPARSE, "profiles %s: bad skills array", f[0]);
    sm_skill_claim claims[SM_MAX_PROFILE_SKILLS];
    size_t kept = 0;
    for (int i = 0; i < n; i++) {
        uint32_t cid;
        int ev, level;
        sm_unpack_claim(packed[i], &cid, &ev, &level);
        uint32_t id = sm_concept_id(&g->map, cid);
        if (id != SM_NO_CONCEPT)
            claims[kept++] = (sm_skill_claim){id, (uint8_t)level, (uint8_t)ev};
    }
    sm_profile p;
    memset(&p, 0, sizeof p);
    p.id = f[0];
    p.skills = claims;
    p.skill_count = kept;
    p.location.known = f[2] && f[3];
    p.location.lat = num(f[2]);
    p.location.lon = num(f[3]);
    p.radius_km = (float)num(f[4]);
    p.constraints = (unsigned)num(f[5]);
    p.consent = (unsigned)num(f[6]);
    int rc = sm_matcher_upsert_profile(g->m, &p, err);
    if (rc == SM_EINVAL) {
        if (g->refused++ < 5)
            /* no id: a profile is a person's (the count below says how many) */
            fprintf(stderr, "skillmatch: a stored profile not indexed: %s\n", err->message);
        return SM_OK;
    }
    return rc;
}

/*
 * Start-up streams both tables on a second thread while this one inserts: the rows come in
 * chunks of CHUNK_ROWS, each sorted by area before it is inserted (within a chunk the objects
 * of an area get neighbouring slots, which is what a query's locality needs), and at most
 * CHUNKS_QUEUED wait, so memory stays bounded whatever the table's size.
 */
#define CHUNK_ROWS 131072u
#define CHUNKS_QUEUED 3u

enum { TABLE_OFFERS, TABLE_PROFILES, TABLES };

/* The tables' rows as sql/ streams them (their columns: sm_store_stream_offers and
 * sm_store_stream_profiles). */
static int (*const table_stream[TABLES])(PGconn *, sm_copy_sink, void *, sm_error *) = {
    sm_store_stream_offers, sm_store_stream_profiles};
static const cell_fn table_cell[TABLES] = {offer_cell, profile_cell};
static const row_fn table_row[TABLES] = {offer_row, profile_row};

typedef struct chunk {
    stash rows;
    int table;
    struct chunk *next;
} chunk;

typedef struct loader {
    PGconn *c;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    chunk *head, *tail, *filling;
    unsigned queued;
    int bounded; /* 0 when streaming on the inserting thread: nothing would empty the queue */
    int done;    /* the streamer has queued its last chunk */
    int stop;    /* inserting failed: the streamer drops the rest */
    int table, rc;
    sm_error err;
    double streamed[TABLES]; /* when each table's last row arrived */
    size_t chunk_rows;       /* CHUNK_ROWS, or SKILLMATCH_LOAD_CHUNK_ROWS (tests use a few) */
} loader;

static void chunk_free(chunk *ch)
{
    if (ch) {
        stash_free(&ch->rows);
        sm_free(ch);
    }
}

/* Queues the chunk being filled (waiting for room); SM_EIO once the inserter stopped. */
static int queue_chunk(loader *l)
{
    chunk *ch = l->filling;
    l->filling = NULL;
    if (!ch)
        return SM_OK;
    pthread_mutex_lock(&l->lock);
    while (l->bounded && l->queued >= CHUNKS_QUEUED && !l->stop)
        pthread_cond_wait(&l->changed, &l->lock);
    int stop = l->stop;
    if (!stop) {
        if (l->tail)
            l->tail->next = ch;
        else
            l->head = ch;
        l->tail = ch;
        l->queued++;
        pthread_cond_broadcast(&l->changed);
    }
    pthread_mutex_unlock(&l->lock);
    if (stop)
        chunk_free(ch);
    return stop ? SM_EIO : SM_OK;
}

/* copy_rows' sink: the row kept as it came, then split in libpq's buffer for its cell. */
static int stream_row(void *arg, char *row, size_t len)
{
    loader *l = arg;
    if (!l->filling) {
        if (!(l->filling = sm_calloc(1, sizeof *l->filling)))
            return SM_ENOMEM;
        l->filling->table = l->table;
    }
    stash *st = &l->filling->rows;
    if (stash_add(st, row, len) != SM_OK)
        return SM_ENOMEM;
    char *fields[24];
    int nf = sm_copy_split_row(row, len, fields, 24);
    stash_set_cell(st, table_cell[l->table](fields, nf));
    return st->n < l->chunk_rows ? SM_OK : queue_chunk(l);
}

static void *stream_tables(void *arg)
{
    loader *l = arg;
    int rc = SM_OK;
    for (l->table = 0; l->table < TABLES && rc == SM_OK; l->table++) {
        rc = table_stream[l->table](l->c, stream_row, l, &l->err);
        if (rc == SM_OK)
            rc = queue_chunk(l);
        l->streamed[l->table] = sm_now_s();
    }
    chunk_free(l->filling);
    l->filling = NULL;
    pthread_mutex_lock(&l->lock);
    l->rc = rc;
    l->done = 1;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

/* The next queued chunk, or NULL once the streamer is done. */
static chunk *next_chunk(loader *l)
{
    pthread_mutex_lock(&l->lock);
    while (!l->head && !l->done)
        pthread_cond_wait(&l->changed, &l->lock);
    chunk *ch = l->head;
    if (ch) {
        if (!(l->head = ch->next))
            l->tail = NULL;
        l->queued--;
        pthread_cond_broadcast(&l->changed);
    }
    pthread_mutex_unlock(&l->lock);
    return ch;
}

/* Streams offers then profiles (one snapshot, already begun on c) and inserts them; *t_off
 * receives when the last offer was inserted. */
static int load_tables(sm_gen *g, PGconn *c, loader *l, double *t_off, sm_error *err)
{
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->changed, NULL);
    l->c = c;
    l->bounded = 1;
    const char *rows = getenv("SKILLMATCH_LOAD_CHUNK_ROWS");
    l->chunk_rows = rows && atoi(rows) > 0 ? (size_t)atoi(rows) : CHUNK_ROWS;
    pthread_t streamer;
    int threaded = pthread_create(&streamer, NULL, stream_tables, l) == 0;
    if (!threaded) { /* no thread to spare: stream everything first */
        l->bounded = 0;
        stream_tables(l);
    }
    int rc = SM_OK;
    size_t *loaded[TABLES] = {&g->offers_loaded, &g->profiles_loaded};
    *t_off = 0;
    for (chunk *ch; (ch = next_chunk(l)) != NULL; chunk_free(ch)) {
        if (rc != SM_OK)
            continue;
        if (ch->table == TABLE_PROFILES && *t_off == 0)
            *t_off = sm_now_s();
        if ((rc = stash_insert(&ch->rows, g, table_row[ch->table], loaded[ch->table], err)) !=
            SM_OK) {
            pthread_mutex_lock(&l->lock);
            l->stop = 1;
            pthread_cond_broadcast(&l->changed);
            pthread_mutex_unlock(&l->lock);
        }
    }
    if (threaded)
        pthread_join(streamer, NULL);
    if (*t_off == 0)
        *t_off = sm_now_s();
    if (rc == SM_OK && l->rc != SM_OK) {
        *err = l->err;
        rc = l->rc;
    }
    pthread_cond_destroy(&l->changed);
    pthread_mutex_destroy(&l->lock);
    return rc;
}

/* Escapes every concept's URI and labels once (sm_gen_concept_json). */
static int build_concept_json(sm_gen *g)
{
    size_t n = sm_taxonomy_count(g->tx);
    jsonw w = {0};
    uint32_t *at = sm_malloc((n * SM_CJ_EACH + 1) * sizeof *at);
    if (!at)
        return SM_ENOMEM;
    for (uint32_t id = 0; id < n && !w.failed; id++)
        for (unsigned what = 0; what < SM_CJ_EACH; what++) {
            const char *s = what == SM_CJ_URI
                                ? sm_taxonomy_uri(g->tx, id)
                                : sm_taxonomy_label_any(g->tx, id, (sm_lang)(what - SM_CJ_LABEL));
            at[(size_t)id * SM_CJ_EACH + what] = (uint32_t)w.len;
            jsonw_string(&w, s, strlen(s));
        }
    if (w.failed || w.len > UINT32_MAX) {
        sm_free(at);
        jsonw_free(&w);
        return SM_ENOMEM;
    }
    at[n * SM_CJ_EACH] = (uint32_t)w.len;
    g->cj = (sm_concept_json){w.data, at};
    return SM_OK;
}

/* Maps each ROME skill label to the ESCO skill the extractor reads in it (api/jobs.h). */
static int map_rome_labels(sm_gen *g, sm_error *err)
{
    size_t n = sm_rome_label_count(g->rome);
    if (!n)
        return SM_OK;
    g->rome_label_concept = sm_malloc(n * sizeof *g->rome_label_concept);
    g->rome_label_confidence = sm_malloc(n * sizeof *g->rome_label_confidence);
    sm_extraction *x = sm_extraction_new(g->ex);
    if (!g->rome_label_concept || !g->rome_label_confidence || !x) {
        sm_extraction_free(x);
        return sm_error_set(err, SM_ENOMEM, "rome skills: out of memory");
    }
    g->rome_mapped = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t ogr;
        const char *label;
        sm_rome_label_at(g->rome, i, &ogr, &label);
        g->rome_label_concept[i] = SM_NO_CONCEPT;
        g->rome_label_confidence[i] = 0;
        /* The label as a person would write it, in French; the best skill the extractor reads
         * with the confidence profiles and offers built from text require. */
        int k = sm_extract_in(x, label, strlen(label), SM_LANG_FR, 0, 3);
        for (int j = 0; j < k; j++) {
            const sm_extracted *e = sm_extraction_get(x, (size_t)j);
            if (!sm_concept_is_skill(sm_taxonomy_type(g->tx, e->concept)) ||
                sm_extract_shown(e->confidence) < SM_EXTRACT_MIN_CONFIDENCE)
                continue;
            g->rome_label_concept[i] = e->concept;
            g->rome_label_confidence[i] = e->confidence;
            g->rome_mapped++;
            break;
        }
    }
    sm_extraction_free(x);
    return SM_OK;
}

static void unmap_rome_labels(sm_gen *g)
{
    sm_free(g->rome_label_concept);
    sm_free(g->rome_label_confidence);
    g->rome_label_concept = NULL;
    g->rome_label_confidence = NULL;
}

/* What a generation builds on its ROME repertoire (none: the occupations alone): the job titles
 * beside the occupations' labels in their search (item count(tx) + title index), and the ROME
 * skill labels mapped to ESCO skills. */
static int rome_indexes(sm_gen *g, sm_error *err)
{
    size_t titles = sm_rome_title_count(g->rome);
    sm_search_extra *extra = titles ? sm_malloc(titles * sizeof *extra) : NULL;
    if (titles && !extra)
        return sm_error_set(err, SM_ENOMEM, "occupation search: out of memory");
    for (size_t i = 0; i < titles; i++) {
        const sm_rome_title *t = sm_rome_title_at(g->rome, i);
        extra[i] = (sm_search_extra){t->label, SM_LANG_FR, t->rare};
    }
    sm_skill_search *search = NULL;
    int rc = sm_occupation_search_new(g->tx, extra, titles, &search);
    sm_free(extra);
    if (rc != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "occupation search: out of memory");
    sm_skill_search_free(g->occupation_search);
    g->occupation_search = search;
    return map_rome_labels(g, err);
}

/* The parts of a generation built from its taxonomy: labels as JSON, matcher, extractor,
 * search. */
static int build_indexes(sm_gen *g, sm_error *err)
{
    if (build_concept_json(g) != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "concept labels: out of memory");
    if (sm_matcher_new(g->tx, &g->m) != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "matcher: out of memory");
    /* The demand counters are counted after the load, by the demand worker: start-up does
     * not wait for them. */
    sm_matcher_demand_defer(g->m);
    int rc = sm_extractor_new(g->tx, &g->ex, err);
    if (rc == SM_OK && sm_skill_search_new(g->tx, &g->search) != SM_OK)
        rc = sm_error_set(err, SM_ENOMEM, "skill search: out of memory");
    if (rc == SM_OK)
        rc = rome_indexes(g, err);
    return rc;
}

static sm_gen *gen_new(void)
{
    static atomic_ulong serials;
    sm_gen *g = sm_calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->serial = atomic_fetch_add(&serials, 1) + 1;
    pthread_mutex_init(&g->pool_lock, NULL);
    pthread_cond_init(&g->pool_freed, NULL);
    /* As many queries at once as there are cores: each walks megabytes of postings and
     * accumulators, and more of them at once only evict each other from the caches
     * (bench/RESULTS.md: throughput and tail both better than one reader per connection). */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    g->pools[0].cap = g->pools[1].cap = cpus < 2 ? 2 : cpus > 64 ? 64 : (unsigned)cpus;
    return g;
}

int sm_gen_from_taxonomy(sm_taxonomy *tx, sm_gen **out, sm_error *err)
{
    *out = NULL;
    sm_gen *g = gen_new();
    if (!g)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    g->tx = tx;
    size_t n = sm_taxonomy_count(tx);
    g->map.cid_cap = (uint32_t)n + 1;
    g->map.id_cap = (uint32_t)n;
    g->map.id_of = sm_malloc(sizeof(uint32_t) * (n + 1));
    g->map.cid_of = sm_calloc(n + 1, sizeof(uint32_t));
    if (!g->map.id_of || !g->map.cid_of) {
        g->tx = NULL;
        sm_gen_free(g);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    g->map.id_of[0] = SM_NO_CONCEPT;
    for (uint32_t id = 0; id < n; id++) {
        g->map.cid_of[id] = id + 1;
        g->map.id_of[id + 1] = id;
    }
    int rc = build_indexes(g, err);
    if (rc != SM_OK) {
        g->tx = NULL;
        sm_gen_free(g);
        return rc;
    }
    *out = g;
    return SM_OK;
}

int sm_gen_attach_rome(sm_gen *g, sm_rome *rome, sm_error *err)
{
    unmap_rome_labels(g);
    sm_rome_free(g->rome);
    g->rome = rome;
    return rome_indexes(g, err);
}

/* Makes both pools' readers and sizes their arrays now, before the server is ready: made on
 * first use, the first burst of requests waited on their allocation (bench/RESULTS.md, fifth
 * pass). One that cannot be made now is made when first needed. */
static void warm_readers(sm_gen *g)
{
    for (int p = 0; p < 2; p++) {
        sm_reader_pool *pool = &g->pools[p];
        while (pool->made < pool->cap && pool->free == pool->made) {
            sm_match_reader *r = sm_match_reader_new(g->m);
            if (!r || sm_match_reader_reserve(r) != SM_OK) {
                sm_match_reader_free(r);
                break;
            }
            pool->readers[pool->made++] = r;
            pool->free++;
        }
    }
}

int sm_gen_load(PGconn *c, sm_gen **out, sm_error *err)
{
    double t0 = sm_now_s();
    *out = NULL;
    sm_gen *g = gen_new();
    if (!g)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    int rc = sm_store_load_taxonomy(c, &g->tx, &g->map, err);
    if (rc == SM_OK)
        rc = sm_store_places_load(c, &g->places, err);
    if (rc == SM_OK)
        rc = sm_store_rome_load(c, &g->rome, err);
    double t_tax = sm_now_s();
    if (rc == SM_OK)
        rc = build_indexes(g, err);
    double t_idx = sm_now_s();
    /* One snapshot for offers and profiles. */
    if (rc == SM_OK)
        rc = sm_db_begin_snapshot(c, err);
    loader l = {0};
    double t_off = t_idx;
    if (rc == SM_OK)
        rc = load_tables(g, c, &l, &t_off, err);
    if (rc == SM_OK && g->refused)
        fprintf(stderr, "skillmatch: %zu stored offers or profiles could not be indexed\n",
                g->refused);
    if (rc == SM_OK)
        fprintf(stderr,
                "skillmatch: loaded taxonomy, %zu places and %zu ROME titles %.2f s, matcher, "
                "extractor and search %.2f s, %zu offers %.2f s (streamed in %.2f s), %zu "
                "profiles %.2f s\n",
                sm_places_count(g->places), sm_rome_title_count(g->rome), t_tax - t0, t_idx - t_tax,
                g->offers_loaded, t_off - t_idx, l.streamed[TABLE_OFFERS] - t_idx,
                g->profiles_loaded, sm_now_s() - t_off);
    sm_db_end_snapshot(c);
    if (rc != SM_OK) {
        sm_gen_free(g);
        return rc;
    }
    warm_readers(g);
    g->load_seconds = sm_now_s() - t0;
    *out = g;
    return SM_OK;
}

void sm_gen_free(sm_gen *g)
{
    if (!g)
        return;
    for (int p = 0; p < 2; p++)
        for (unsigned i = 0; i < g->pools[p].made; i++)
            sm_match_reader_free(g->pools[p].readers[i]);
    for (unsigned i = 0; i < g->extraction_made; i++)
        sm_extraction_free(g->extractions[i]);
    sm_skill_search_free(g->search);
    sm_skill_search_free(g->occupation_search);
    sm_free(g->cj.text);
    sm_free(g->cj.at);
    sm_extractor_free(g->ex);
    sm_matcher_free(g->m);
    sm_taxonomy_free(g->tx);
    sm_places_free(g->places);
    unmap_rome_labels(g);
    sm_rome_free(g->rome);
    sm_concept_map_free(&g->map);
    pthread_mutex_destroy(&g->pool_lock);
    pthread_cond_destroy(&g->pool_freed);
    sm_free(g);
}

/* Which pool the calling thread's readers come from (sm_gen_thread_slow). */
static _Thread_local int slow_thread;
/* The reader the calling thread was lent last (compared, never used, once given back). */
static _Thread_local sm_match_reader *last_reader;

void sm_gen_thread_slow(void)
{
    slow_thread = 1;
}

/* A new reader is made while fewer than the pool's cap exist; beyond that callers wait. */
sm_match_reader *sm_gen_reader(sm_gen *g)
{
    sm_reader_pool *pool = &g->pools[slow_thread];
    pthread_mutex_lock(&g->pool_lock);
    sm_match_reader *r = NULL;
    for (;;) {
        if (pool->free) {
            /* The reader this thread had last, when free: its accumulators and scratch are
             * likely still in this core's caches. */
            unsigned pick = pool->free - 1;
            for (unsigned i = 0; i < pool->free; i++)
                if (pool->readers[i] == last_reader) {
                    pool->readers[i] = pool->readers[pick];
                    pool->readers[pick] = last_reader;
                    break;
                }
            r = pool->readers[--pool->free];
            break;
        }
        if (pool->made < pool->cap) {
            r = sm_match_reader_new(g->m);
            if (r) /* lent out: it sits after the free ones (there are none) */
                pool->readers[pool->made++] = r;
            break;
        }
        pthread_cond_wait(&g->pool_freed, &g->pool_lock);
    }
    pthread_mutex_unlock(&g->pool_lock);
    if (r)
        last_reader = r;
    return r;
}

void sm_gen_reader_put(sm_gen *g, sm_match_reader *r)
{
    if (!r)
        return;
    sm_reader_pool *pool = &g->pools[slow_thread];
    pthread_mutex_lock(&g->pool_lock);
    /* Find r among the lent-out ones and swap it into the free part. */
    for (unsigned i = pool->free; i < pool->made; i++)
        if (pool->readers[i] == r) {
            pool->readers[i] = pool->readers[pool->free];
            pool->readers[pool->free++] = r;
            break;
        }
    pthread_cond_broadcast(&g->pool_freed); /* two pools wait on it */
    pthread_mutex_unlock(&g->pool_lock);
}

sm_extraction *sm_gen_extraction(sm_gen *g)
{
    pthread_mutex_lock(&g->pool_lock);
    sm_extraction *x = NULL;
    for (;;) {
        if (g->extraction_free) {
            x = g->extractions[--g->extraction_free];
            break;
        }
        if (g->extraction_made < 64) {
            x = sm_extraction_new(g->ex);
            if (x)
                g->extractions[g->extraction_made++] = x;
            break;
        }
        pthread_cond_wait(&g->pool_freed, &g->pool_lock);
    }
    pthread_mutex_unlock(&g->pool_lock);
    return x;
}

void sm_gen_extraction_put(sm_gen *g, sm_extraction *x)
{
    if (!x)
        return;
    pthread_mutex_lock(&g->pool_lock);
    for (unsigned i = g->extraction_free; i < g->extraction_made; i++)
        if (g->extractions[i] == x) {
            g->extractions[i] = g->extractions[g->extraction_free];
            g->extractions[g->extraction_free++] = x;
            break;
        }
    pthread_cond_broadcast(&g->pool_freed);
    pthread_mutex_unlock(&g->pool_lock);
}

uint32_t sm_gen_concept(const sm_gen *g, const char *s)
{
    if (!s)
        return SM_NO_CONCEPT;
    size_t n = strlen(s);
    uint32_t id = sm_taxonomy_find(g->tx, sm_str_make(s, n));
    if (id != SM_NO_CONCEPT || n != 36)
        return id;
    /* A bare UUID: the ESCO skill, knowledge or occupation URI that ends with it. */
    static const char *const prefixes[] = {"http://data.europa.eu/esco/skill/",
                                           "http://data.europa.eu/esco/occupation/",
                                           "http://data.europa.eu/esco/isco/"};
    char uri[128];
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        snprintf(uri, sizeof uri, "%s%s", prefixes[i], s);
        id = sm_taxonomy_find(g->tx, sm_str_make(uri, strlen(uri)));
        if (id != SM_NO_CONCEPT)
            return id;
    }
    return SM_NO_CONCEPT;
}

/* ---- the current generation: held by each request, swapped by a reload ---- */

sm_gen *sm_service_acquire(sm_service *s)
{
    pthread_mutex_lock(&s->gen_lock);
    sm_gen *g = s->gen;
    g->refs++;
    pthread_mutex_unlock(&s->gen_lock);
    return g;
}

void sm_service_release(sm_service *s, sm_gen *g)
{
    pthread_mutex_lock(&s->gen_lock);
    int last = --g->refs == 0;
    pthread_mutex_unlock(&s->gen_lock);
    if (last) {
        sm_gen_free(g);
        /* A whole generation was freed (a reload, or the end): glibc would keep its pages
         * for the process; hand them back to the system. */
        malloc_trim(0);
    }
}

void sm_service_swap(sm_service *s, sm_gen *g)
{
    pthread_mutex_lock(&s->gen_lock);
    sm_gen *old = s->gen;
    g->refs = 1;
    s->gen = g;
    pthread_mutex_unlock(&s->gen_lock);
    if (old)
        sm_service_release(s, old);
}
