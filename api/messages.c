/*
 * messages.c: the catalog of messages in French (see messages.h). Kept sorted by the
 * English text, so that a lookup is a binary search; tests/unit/test_messages.c checks the
 * order, that each French format has the English one's conversions, and that every message
 * written by api/ is here.
 */
#include "api/messages.h"

#include <string.h>

typedef struct pair {
    const char *en, *fr;
} pair;

static const pair catalog[] = {
    {"\"departement\", \"name\" and \"alternatives\" go with a place, a postcode or an INSEE code",
     "\"departement\", \"name\" et \"alternatives\" vont avec un lieu, un code postal ou un code "
     "INSEE"},
    {"%s answers %s only", "%s ne répond qu'à %s"},
    {"%s has no known point: give {\"lat\":…,\"lon\":…}",
     "%s n'a pas de point connu : donnez {\"lat\":…,\"lon\":…}"},
    {"%zu communes have this name: add \"departement\" (choices)",
     "%zu communes portent ce nom : ajoutez \"departement\" (choices)"},
    {"/metrics answers local clients only (serve --metrics-public opens it)",
     "/metrics ne répond qu'aux clients locaux (serve --metrics-public l'ouvre à tous)"},
    {"Authorization must be \"Bearer KEY\"", "Authorization doit être \"Bearer CLÉ\""},
    {"Everything skillmatch stores about this profile. Keys are kept as hashes only; logs and "
     "metrics hold no personal data. The audit entries and the change feed name the profile by a "
     "keyed hash, not by its id.",
     "Tout ce que skillmatch conserve sur ce profil. Les clés ne sont gardées que sous forme "
     "d'empreintes ; les journaux et les métriques ne contiennent aucune donnée personnelle. Le "
     "journal d'audit et le flux des changements désignent le profil par une empreinte à clé, pas "
     "par son identifiant."},
    {"Idempotency-Key must be 1 to 200 characters",
     "Idempotency-Key doit compter de 1 à 200 caractères"},
    {"a %s key cannot do this", "une clé %s ne permet pas cette opération"},
    {"a DefinedTerm needs an ESCO termCode or a name",
     "un DefinedTerm demande un termCode ESCO ou un nom"},
    {"a NUL character", "un caractère NUL"},
    {"a job offer needs at least one skill", "une offre d'emploi demande au moins une compétence"},
    {"a job title of another ROME code than \"rome\"",
     "une appellation d'un autre code ROME que « rome »"},
    {"a key appears twice in one object", "une clé apparaît deux fois dans un même objet"},
    {"a label alone is not a place: give lat and lon (the label is only shown)",
     "un libellé seul n'est pas un lieu : donnez lat et lon (le libellé est seulement "
     "affiché)"},
    {"a label alone is not a place: give lat and lon, a place, a postcode or an INSEE code (the "
     "label is only shown)",
     "un libellé seul n'est pas un lieu : donnez lat et lon, un lieu, un code postal ou un code "
     "INSEE (le libellé est seulement affiché)"},
    {"a number is too large", "un nombre est trop grand"},
    {"a training needs at least one skill", "une formation demande au moins une compétence"},
    {"a training_provider key cannot use stored profiles",
     "une clé training_provider ne peut pas utiliser de profil enregistré"},
    {"already past: no session can start by then",
     "déjà passée : aucune session ne peut commencer d'ici là"},
    {"already past: the offer is in no match, candidate search, path or demand count until "
     "the date is changed",
     "déjà passée : l'offre n'apparaît dans aucune correspondance, recherche de candidats, "
     "parcours ni décompte de la demande tant que la date n'est pas changée"},
    {"an HTTP/1.1 request needs a Host header", "une requête HTTP/1.1 demande un en-tête Host"},
    {"at most %d jobs", "au plus %d métiers"},
    {"at most %d names", "%d noms au plus"},
    {"at most %d skills", "%d compétences au plus"},
    {"at most %zu offers in one batch: send the rest in another",
     "au plus %zu offres par lot : envoyez le reste dans un autre"},
    {"at most 2 decimals", "au plus 2 décimales"},
    {"at most 2 decimals (cents)", "au plus 2 décimales (centimes)"},
    {"before valid_from", "antérieure à valid_from"},
    {"candidates are ranked for job offers only",
     "les candidats ne se classent que pour des offres d'emploi"},
    {"cannot change: delete the offer and post a new one",
     "ne peut pas changer : supprimez l'offre et publiez-en une nouvelle"},
    {"coordinates and a place that disagree: give one or the other",
     "des coordonnées et un lieu qui ne concordent pas : donnez l'un ou l'autre"},
    {"each offer must be a JSON object", "chaque offre doit être un objet JSON"},
    {"empty, add at least one skill to get matches",
     "vide : ajoutez au moins une compétence pour obtenir des résultats"},
    {"empty: add at least one skill (or a description to find them in) to get matches, gaps "
     "and paths",
     "vide : ajoutez au moins une compétence (ou une description où les trouver) pour "
     "obtenir résultats, écarts et parcours"},
    {"empty: list at least one skill", "vide : indiquez au moins une compétence"},
    {"essential skills of each job; optional ones from 2 years in it",
     "les compétences essentielles de chaque métier ; les optionnelles à partir de 2 ans "
     "d'expérience"},
    {"every database connection is busy: retry shortly",
     "toutes les connexions à la base de données sont occupées : réessayez dans un instant"},
    {"exigence must be E (required) or S (wished)",
     "l'exigence doit être E (exigée) ou S (souhaitée)"},
    {"give exactly one of offer_id, occupation and top_offers",
     "donnez exactement un champ parmi offer_id, occupation et top_offers"},
    {"give one of near, place, postcode and insee",
     "donnez un seul de near, place, postcode et insee"},
    {"give profile or profile_id, not both", "donnez profile ou profile_id, pas les deux"},
    {"given more than once", "donné plus d'une fois"},
    {"internal error (%s)", "erreur interne (%s)"},
    {"invalid UTF-8", "UTF-8 invalide"},
    {"invalid UTF-8 at byte %zu", "UTF-8 invalide à l'octet %zu"},
    {"invalid syntax", "syntaxe invalide"},
    {"is set by the server when consent is given or withdrawn: leave it out",
     "est fixé par le serveur quand le consentement est donné ou retiré : ne l'envoyez pas"},
    {"is worked out by the server: leave it out", "est calculé par le serveur : ne l'envoyez pas"},
    {"it ends too early", "il s'arrête trop tôt"},
    {"kept %d days after its last use (read or changed with the person's key or by their "
     "organisation, or changed), then erased with everything about it; using it again restarts the "
     "count",
     "conservé %d jours après sa dernière utilisation (lu ou modifié avec la clé de la personne ou "
     "par sa structure, ou modifié), puis effacé avec tout ce qui le concerne ; l'utiliser à "
     "nouveau relance ce délai"},
    {"keys cannot be checked now: the database is not reachable",
     "les clés ne peuvent pas être vérifiées : la base de données est injoignable"},
    {"lat and lon look swapped: did you mean lat %g, lon %g?",
     "lat et lon semblent inversées : vouliez-vous dire lat %g, lon %g ?"},
    {"lat must be between -90 and 90 and lon between -180 and 180",
     "lat doit être entre -90 et 90 et lon entre -180 et 180"},
    {"listed twice", "indiquée deux fois"},
    {"longer than %zu bytes", "plus long que %zu octets"},
    {"longer than 200 bytes", "plus long que 200 octets"},
    {"mine=true needs an API key", "mine=true demande une clé d'API"},
    {"must be \"*\" or entity tags such as \"v3\"",
     "doit valoir \"*\" ou des étiquettes d'entité comme \"v3\""},
    {"must be \"fr\" or \"en\"", "doit valoir \"fr\" ou \"en\""},
    {"must be \"job\" or \"training\"", "doit valoir \"job\" ou \"training\""},
    {"must be \"key:ID\", \"anonymous\" or \"system\"",
     "doit être \"key:ID\", \"anonymous\" ou \"system\""},
    {"must be \"wrong\" or \"unwanted\"", "doit valoir \"wrong\" ou \"unwanted\""},
    {"must be 5 digits", "doit compter 5 chiffres"},
    {"must be a DefinedTerm or text", "doit être un DefinedTerm ou du texte"},
    {"must be a JSON object", "doit être un objet JSON"},
    {"must be a Place with geo.latitude and geo.longitude",
     "doit être un Place avec geo.latitude et geo.longitude"},
    {"must be a Place with geo.latitude and geo.longitude, or an address",
     "doit être un Place avec geo.latitude et geo.longitude, ou une adresse"},
    {"must be a ROME code such as \"D1505\"", "doit être un code ROME comme « D1505 »"},
    {"must be a date YYYY-MM-DD", "doit être une date AAAA-MM-JJ"},
    {"must be a next_cursor of an earlier page", "doit être le next_cursor d'une page précédente"},
    {"must be a number between %g and %g", "doit être un nombre entre %g et %g"},
    {"must be a scheme name (CPF, OPCO, France Travail, region, employer, PIC, AGEFIPH, "
     "self, or another name)",
     "doit être le nom d'un financement (CPF, OPCO, France Travail, region, employer, PIC, "
     "AGEFIPH, self, ou un autre nom)"},
    {"must be a sequence number (0 or more)", "doit être un numéro de séquence (0 ou plus)"},
    {"must be a string", "doit être une chaîne de caractères"},
    {"must be a string (a concept URI)", "doit être une chaîne (l'URI d'un concept)"},
    {"must be an INSEE code: 5 characters", "doit être un code INSEE : 5 caractères"},
    {"must be an array", "doit être un tableau"},
    {"must be an array of at most %d dates", "doit être un tableau de %d dates au plus"},
    {"must be an array of at most 16 scheme names",
     "doit être un tableau de 16 noms de financement au plus"},
    {"must be an array of names", "doit être un tableau de noms"},
    {"must be an array of scheme names", "doit être un tableau de noms de financement"},
    {"must be an array of {\"code\",\"libelle\",\"exigence\"}",
     "doit être une liste de {\"code\",\"libelle\",\"exigence\"}"},
    {"must be an array of {\"occupation\"|\"rome\"|\"appellation\":…, \"years\":…}",
     "doit être une liste de {\"occupation\"|\"rome\"|\"appellation\":…, \"years\":…}"},
    {"must be an array of {\"uri\":…,\"level\":…,\"evidence\":…}",
     "doit être un tableau de {\"uri\":…,\"level\":…,\"evidence\":…}"},
    {"must be an array of {\"uri\":…}", "doit être un tableau de {\"uri\":…}"},
    {"must be an integer between %lld and %lld", "doit être un entier entre %lld et %lld"},
    {"must be an integer from %lld to %lld", "doit être un entier de %lld à %lld"},
    {"must be an object", "doit être un objet"},
    {"must be an object of purposes, each true/false or {\"given\":…,\"text_version\":…}",
     "doit être un objet de finalités, chacune true/false ou {\"given\":…,\"text_version\":…}"},
    {"must be an object of true/false fields", "doit être un objet de champs true/false"},
    {"must be an object with a libelle or a code", "doit être un objet avec un libelle ou un code"},
    {"must be an object {\"commune\",\"codePostal\",…}",
     "doit être un objet {\"commune\",\"codePostal\",…}"},
    {"must be an object {\"lat\":…,\"lon\":…} (\"label\" optional)",
     "doit être un objet {\"lat\":…,\"lon\":…} (\"label\" facultatif)"},
    {"must be an object {\"lat\":…,\"lon\":…}, {\"place\":…}, {\"postcode\":…} or {\"insee\":…}",
     "doit être un objet {\"lat\":…,\"lon\":…}, {\"place\":…}, {\"postcode\":…} ou {\"insee\":…}"},
    {"must be an object {\"name\":…,\"email\":…,\"phone\":…}",
     "doit être un objet {\"name\":…,\"email\":…,\"phone\":…}"},
    {"must be an object {\"name\":…,\"kind\":…}", "doit être un objet {\"name\":…,\"kind\":…}"},
    {"must be an object {\"occupation\"|\"rome\"|\"appellation\":…}",
     "doit être un objet {\"occupation\"|\"rome\"|\"appellation\":…}"},
    {"must be an object {\"skills\":[…],…}", "doit être un objet {\"skills\":[…],…}"},
    {"must be an object {\"type\":…,\"hours_per_week\":…}",
     "doit être un objet {\"type\":…,\"hours_per_week\":…}"},
    {"must be an object {\"uri\":…}", "doit être un objet {\"uri\":…}"},
    {"must be declared, validated, assessed or certified",
     "doit valoir declared, validated, assessed ou certified"},
    {"must be declared, validated, assessed, certified or from_experience",
     "doit être declared, validated, assessed, certified ou from_experience"},
    {"must be digital, transversal, language, green or digcomp",
     "doit valoir digital, transversal, language, green ou digcomp"},
    {"must be en, fr or auto", "doit valoir en, fr ou auto"},
    {"must be fr or en", "doit valoir fr ou en"},
    {"must be job or training", "doit valoir job ou training"},
    {"must be lat,lon (e.g. 50.63,3.06)", "doit être lat,lon (par exemple 50.63,3.06)"},
    {"must be one of %s", "doit valoir l'une de ces valeurs : %s"},
    {"must be one of %s (CUI: PEC)", "doit valoir l'une de ces valeurs : %s (CUI : PEC)"},
    {"must be one of CDI, CDD, CDDI, PEC, apprenticeship, professionalisation, interim, "
     "internship, civic_service, freelance",
     "doit valoir CDI, CDD, CDDI, PEC, apprenticeship, professionalisation, interim, "
     "internship, civic_service ou freelance"},
    {"must be one of CPF, OPCO, France Travail, region, employer, PIC, AGEFIPH, self",
     "doit valoir CPF, OPCO, France Travail, region, employer, PIC, AGEFIPH ou self"},
    {"must be one of association, cooperative, mutual, foundation, social_enterprise, aci, "
     "ei, etti, ai, adapted_enterprise, esat, public, company",
     "doit valoir association, cooperative, mutual, foundation, social_enterprise, aci, ei, "
     "etti, ai, adapted_enterprise, esat, public ou company"},
    {"must be the id of a profile (a UUID)", "doit être l'identifiant d'un profil (un UUID)"},
    {"must be the id of an offer (a UUID)", "doit être l'id d'une offre (un UUID)"},
    {"must be the object a suggestion gave", "doit être l'objet donné par une suggestion"},
    {"must be true or false", "doit valoir true ou false"},
    {"must be true, false or {\"given\":…,\"text_version\":…}",
     "doit être true, false ou {\"given\":…,\"text_version\":…}"},
    {"must not be empty", "ne doit pas être vide"},
    {"must not contain NUL characters", "ne doit pas contenir de caractère NUL"},
    {"name one job: occupation, rome or appellation",
     "indiquez un seul métier : occupation, rome ou appellation"},
    {"needs a location {\"lat\":…,\"lon\":…} to be a distance from",
     "demande un lieu {\"lat\":…,\"lon\":…} d'où compter la distance"},
    {"needs commune (INSEE code), codePostal, or latitude and longitude",
     "il faut la commune (code INSEE), le codePostal, ou la latitude et la longitude"},
    {"needs geo.latitude and geo.longitude, or an address with postalCode or addressLocality",
     "demande geo.latitude et geo.longitude, ou une adresse avec postalCode ou addressLocality"},
    {"needs lat and lon", "demande lat et lon"},
    {"needs lat and lon, a place, a postcode or an INSEE code",
     "demande lat et lon, un lieu, un code postal ou un code INSEE"},
    {"needs lat and lon, both numbers", "demande lat et lon, deux nombres"},
    {"needs latitude and longitude: an address alone is not a place",
     "demande latitude et longitude : une adresse seule n'est pas un lieu"},
    {"needs near=lat,lon", "demande near=lat,lon"},
    {"needs near=lat,lon, place, postcode or insee",
     "demande near=lat,lon, place, postcode ou insee"},
    {"needs the job: occupation (an ESCO URI), rome (a ROME code such as D1505) or appellation (a "
     "ROME job title number)",
     "il faut le métier : occupation (une URI ESCO), rome (un code ROME comme D1505) ou "
     "appellation (un numéro d'appellation ROME)"},
    {"neither a schema.org employment type (FULL_TIME, PART_TIME, TEMPORARY, CONTRACTOR, "
     "INTERN, VOLUNTEER, PER_DIEM, OTHER) nor a contract type",
     "ni un type d'emploi schema.org (FULL_TIME, PART_TIME, TEMPORARY, CONTRACTOR, INTERN, "
     "VOLUNTEER, PER_DIEM, OTHER) ni un type de contrat"},
    {"nested too deeply", "imbriqué trop profondément"},
    {"no %s with this id", "aucun objet %s avec cet identifiant"},
    {"no ESCO occupation with this URI", "aucun métier ESCO avec cette URI"},
    {"no French commune of this name", "aucune commune française de ce nom"},
    {"no ROME repertoire is loaded", "aucun répertoire ROME n'est chargé"},
    {"no commune of this name in this département", "aucune commune de ce nom dans ce département"},
    {"no concept with this id: give the percent-encoded concept URI or the UUID that ends it",
     "aucun concept avec cet identifiant : donnez l'URI du concept encodée en pourcentage "
     "ou l'UUID qui la termine"},
    {"no job offer with this id", "aucune offre d'emploi avec cet identifiant"},
    {"no occupation with this id: give an ESCO occupation URI (percent-encoded) or its UUID, "
     "rome:CODE or ogr:NUMBER",
     "aucun métier avec cet identifiant : donnez l'URI d'un métier ESCO (encodée) ou son UUID, "
     "rome:CODE ou ogr:NUMÉRO"},
    {"no offer with this id", "aucune offre avec cet identifiant"},
    {"no place, and not remote: people who give a distance never see it as near; add "
     "{\"lat\":…,\"lon\":…} or \"remote\": true",
     "pas de lieu, et pas à distance : les personnes qui indiquent une distance ne la "
     "verront jamais comme proche ; ajoutez {\"lat\":…,\"lon\":…} ou \"remote\": true"},
    {"no place: distances cannot be used, and every on-site offer counts as far; add "
     "{\"lat\":…,\"lon\":…}",
     "pas de lieu : les distances ne peuvent pas servir, et toute offre sur place compte "
     "comme éloignée ; ajoutez {\"lat\":…,\"lon\":…}"},
    {"no profile with this id", "aucun profil avec cet identifiant"},
    {"no random bytes available", "aucun octet aléatoire disponible"},
    {"no route for %.200s", "aucune route pour %.200s"},
    {"no skill found in this text: give a DefinedTerm with an ESCO termCode",
     "aucune compétence trouvée dans ce texte : donnez un DefinedTerm avec un termCode ESCO"},
    {"no skill known for this job in ESCO or in the ROME labels we read: add the skills yourself",
     "aucune compétence connue pour ce métier dans ESCO ni dans les libellés ROME que nous lisons "
     ": ajoutez vous-même les compétences"},
    {"no skill recognised in it: list the skills in \"%s\"",
     "aucune compétence reconnue : indiquez les compétences dans \"%s\""},
    {"no skills yet: matches, gaps and paths need at least one; add skills, or a "
     "description to find them in",
     "pas encore de compétences : résultats, écarts et parcours en demandent au moins une ; "
     "ajoutez des compétences, ou une description où les trouver"},
    {"no such ROME code", "aucun code ROME de ce nom"},
    {"no such ROME job title number", "aucune appellation ROME de ce numéro"},
    {"no such file", "aucun fichier de ce nom"},
    {"none known for this job and none found in the description: list the skills",
     "aucune connue pour ce métier ni trouvée dans la description : listez les compétences"},
    {"not a French postcode", "n'est pas un code postal français"},
    {"not a cursor this service gave", "ce n'est pas un curseur donné par ce service"},
    {"not a job: an ESCO occupation URI, rome:CODE or ogr:NUMBER",
     "pas un métier : une URI de métier ESCO, rome:CODE ou ogr:NUMÉRO"},
    {"not a parameter of this route", "pas un paramètre de cette route"},
    {"not a place field: a place is {\"lat\":…,\"lon\":…} (\"label\" optional, shown as "
     "given)",
     "pas un champ de lieu : un lieu est {\"lat\":…,\"lon\":…} (\"label\" facultatif, "
     "affiché tel quel)"},
    {"not a place field: a place is {\"lat\":…,\"lon\":…}, {\"place\":…} (with \"departement\" if "
     "need be), {\"postcode\":…} or {\"insee\":…}; \"label\" optional, shown as given",
     "n'est pas un champ de lieu : un lieu est {\"lat\":…,\"lon\":…}, {\"place\":…} (avec "
     "\"departement\" au besoin), {\"postcode\":…} ou {\"insee\":…} ; \"label\" facultatif, "
     "affiché tel quel"},
    {"not a postcode of the commune of this INSEE code",
     "n'est pas un code postal de la commune de ce code INSEE"},
    {"not a scheme skillmatch knows (CPF, OPCO, France Travail, region, employer, PIC, "
     "AGEFIPH, self): shown with the training, but training paths cannot count it",
     "pas un dispositif que skillmatch connaît (CPF, OPCO, France Travail, region, "
     "employer, PIC, AGEFIPH, self) : affiché avec la formation, mais les parcours de "
     "formation ne peuvent pas le compter"},
    {"not a skill (%s)", "ce n'est pas une compétence (%s)"},
    {"not a skill URI or id of the taxonomy",
     "ce n'est pas l'URI ou l'identifiant d'une compétence de la taxonomie"},
    {"not a skill concept", "ce n'est pas une compétence"},
    {"not a version of the consent texts", "n'est pas une version des textes de consentement"},
    {"not a version of the consent texts (GET /v1/consent)",
     "n'est pas une version des textes de consentement (GET /v1/consent)"},
    {"not an occupation (%s)", "ce n'est pas un métier (%s)"},
    {"not an occupation URI or id of the taxonomy",
     "ce n'est pas l'URI ou l'identifiant d'un métier de la taxonomie"},
    {"not stored in the database", "absent de la base de données"},
    {"not the INSEE code of a commune", "n'est pas le code INSEE d'une commune"},
    {"not the département of this commune", "n'est pas le département de cette commune"},
    {"not the name of the commune of this code", "n'est pas le nom de la commune de ce code"},
    {"only the service's own pages may do this", "seules les pages du service peuvent faire ceci"},
    {"out of memory", "mémoire insuffisante"},
    {"out of memory: retry later", "mémoire insuffisante : réessayez plus tard"},
    {"outside the area skillmatch serves (Europe and the French overseas territories)",
     "hors de la zone que sert skillmatch (l'Europe et les territoires français d'outre-mer)"},
    {"profile_id needs an API key (or send the profile inline)",
     "profile_id demande une clé d'API (ou envoyez le profil dans la requête)"},
    {"required", "obligatoire"},
    {"required (a JobPosting's title)", "obligatoire (le titre d'un JobPosting)"},
    {"required (or a description to find them in)",
     "obligatoire (ou une description où les trouver)"},
    {"required (or profile_id)", "obligatoire (ou profile_id)"},
    {"required when there is no description to extract from",
     "obligatoire quand il n'y a pas de description d'où les extraire"},
    {"required when there is no description to extract from nor a job (rome, appellation or "
     "occupation) to take them from",
     "obligatoire sans description où les trouver ni métier (rome, appellation ou occupation) d'où "
     "les prendre"},
    {"required with the other", "obligatoire avec l'autre"},
    {"required: a skill URI or id", "obligatoire : l'URI ou l'identifiant d'une compétence"},
    {"required: the beginning of a commune's name or postcode",
     "obligatoire : le début du nom ou du code postal d'une commune"},
    {"required: the beginning of a skill's name", "obligatoire : le début du nom d'une compétence"},
    {"required: the beginning of an occupation's name",
     "obligatoire : le début du nom d'un métier"},
    {"required: the jobs done, [{\"rome\":\"D1505\",\"years\":5}]",
     "obligatoire : les métiers exercés, [{\"rome\":\"D1505\",\"years\":5}]"},
    {"required: the offer's title", "obligatoire : l'intitulé de l'offre"},
    {"required: true or false", "obligatoire : true ou false"},
    {"required: {\"offer_id\":…}, {\"occupation\":URI} or {\"top_offers\":N}",
     "obligatoire : {\"offer_id\":…}, {\"occupation\":URI} ou {\"top_offers\":N}"},
    {"something follows the JSON value", "quelque chose suit la valeur JSON"},
    {"termCode: unknown ESCO concept", "termCode : concept ESCO inconnu"},
    {"the JSON body nests deeper than %d levels", "le corps JSON imbrique plus de %d niveaux"},
    {"the body is empty: a JSON array of offers is expected",
     "le corps est vide : une liste JSON d'offres est attendue"},
    {"the body is empty: a JSON object is expected",
     "le corps est vide : un objet JSON est attendu"},
    {"the body is empty: one JSON offer per line is expected",
     "le corps est vide : une offre JSON par ligne est attendue"},
    {"the body is larger than %u bytes", "le corps dépasse %u octets"},
    {"the body is not valid JSON: %s (line %d, column %d)",
     "le corps n'est pas du JSON valide : %s (ligne %d, colonne %d)"},
    {"the body must be JSON (Content-Type: application/json)",
     "le corps doit être du JSON (Content-Type: application/json)"},
    {"the body must be a JSON Merge Patch (Content-Type: application/merge-patch+json)",
     "le corps doit être un JSON Merge Patch (Content-Type: application/merge-patch+json)"},
    {"the body must be a JSON array (application/json) or one JSON object per line "
     "(application/x-ndjson)",
     "le corps doit être une liste JSON (application/json) ou un objet JSON par ligne "
     "(application/x-ndjson)"},
    {"the body must be a JSON array of offers", "le corps doit être une liste JSON d'offres"},
    {"the body must be a JSON object", "le corps doit être un objet JSON"},
    {"the change was not saved: the database is not available now",
     "la modification n'a pas été enregistrée : la base de données n'est pas disponible pour "
     "le moment"},
    {"the change was saved, but searches will find it only once the index is rebuilt, within a "
     "minute: do not send it again",
     "la modification est enregistrée, mais les recherches ne la trouveront qu'une fois "
     "l'index reconstruit, d'ici une minute : ne l'envoyez pas de nouveau"},
    {"the database did not answer in time: the change may have been saved; read it back, or "
     "send it again with the same Idempotency-Key",
     "la base de données n'a pas répondu à temps : la modification a peut-être été "
     "enregistrée ; relisez-la, ou renvoyez-la avec la même Idempotency-Key"},
    {"the database is not available now: retry shortly",
     "la base de données n'est pas disponible pour le moment : réessayez dans un instant"},
    {"the offer changed since this version was read (If-Match): read it again, then send "
     "the change",
     "l'offre a changé depuis que cette version a été lue (If-Match) : relisez-la, puis "
     "envoyez la modification"},
    {"the offer kept changing while this change was merged in: send it again",
     "l'offre a changé sans cesse pendant que cette modification y était fusionnée : "
     "envoyez-la de nouveau"},
    {"the profile changed since this version was read (If-Match): read it again, then send "
     "the change",
     "le profil a changé depuis que cette version a été lue (If-Match) : relisez-le, puis "
     "envoyez la modification"},
    {"the profile kept changing while this change was merged in: send it again",
     "le profil a changé sans cesse pendant que cette modification y était fusionnée : "
     "envoyez-la de nouveau"},
    {"the request body did not arrive in time: send it again",
     "le corps de la requête n'est pas arrivé à temps : envoyez-la de nouveau"},
    {"the text could not be analysed (%s)", "le texte n'a pas pu être analysé (%s)"},
    {"this API key is unknown or revoked", "cette clé d'API est inconnue ou révoquée"},
    {"this Idempotency-Key was used for a different request",
     "cette Idempotency-Key a servi à une autre requête"},
    {"this route needs an API key: Authorization: Bearer KEY",
     "cette route demande une clé d'API : Authorization: Bearer CLÉ"},
    {"this server has no places loaded (skillmatch import places)",
     "ce serveur n'a pas de lieux chargés (skillmatch import places)"},
    {"this server has no places loaded (skillmatch import places): give {\"lat\":…,\"lon\":…}",
     "ce serveur n'a pas de lieux chargés (skillmatch import places) : donnez "
     "{\"lat\":…,\"lon\":…}"},
    {"too many extractions at once", "trop d'extractions en même temps"},
    {"too many queries at once", "trop de requêtes en même temps"},
    {"too many requests: retry in %u s", "trop de requêtes : réessayez dans %u s"},
    {"too many uploads at once: retry shortly",
     "trop d'envois en cours : réessayez dans un instant"},
    {"unknown ESCO concept", "concept ESCO inconnu"},
    {"unknown field", "champ inconnu"},
    {"unknown name", "nom inconnu"},
    {"unknown or revoked: check the key or the code",
     "inconnue ou révoquée : vérifiez la clé ou le code"},
};

#define CATALOG_SIZE (sizeof catalog / sizeof *catalog)

static const pair *find(const char *english)
{
    size_t lo = 0, hi = CATALOG_SIZE;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(catalog[mid].en, english);
        if (c == 0)
            return &catalog[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *sm_msg(const char *english, sm_lang lang)
{
    if (lang != SM_LANG_FR || !english)
        return english;
    const pair *p = find(english);
    return p ? p->fr : english;
}

int sm_msg_known(const char *english)
{
    return english && find(english) != NULL;
}

size_t sm_msg_count(void)
{
    return CATALOG_SIZE;
}

void sm_msg_pair(size_t i, const char **english, const char **french)
{
    *english = i < CATALOG_SIZE ? catalog[i].en : NULL;
    *french = i < CATALOG_SIZE ? catalog[i].fr : NULL;
}

const char *sm_msg_status_title(unsigned status, sm_lang lang)
{
    static const struct {
        unsigned status;
        const char *en, *fr;
    } titles[] = {{400, "Bad Request", "Requête incorrecte"},
                  {401, "Unauthorized", "Non authentifié"},
                  {403, "Forbidden", "Interdit"},
                  {404, "Not Found", "Introuvable"},
                  {405, "Method Not Allowed", "Méthode non permise"},
                  {408, "Request Timeout", "Délai de requête dépassé"},
                  {409, "Conflict", "Conflit"},
                  {412, "Precondition Failed", "Précondition non remplie"},
                  {413, "Content Too Large", "Contenu trop volumineux"},
                  {415, "Unsupported Media Type", "Type de contenu non pris en charge"},
                  {422, "Unprocessable Content", "Contenu impossible à traiter"},
                  {428, "Precondition Required", "Précondition requise"},
                  {429, "Too Many Requests", "Trop de requêtes"},
                  {500, "Internal Server Error", "Erreur interne du serveur"},
                  {503, "Service Unavailable", "Service indisponible"}};
    for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
        if (titles[i].status == status)
            return lang == SM_LANG_FR ? titles[i].fr : titles[i].en;
    if (status >= 500)
        return lang == SM_LANG_FR ? "Erreur du serveur" : "Server Error";
    return lang == SM_LANG_FR ? "Erreur" : "Error";
}
