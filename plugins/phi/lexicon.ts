/**
 * Hand-curated word lists for the name detector. Why: dictionary names collide with English words
 * and medical eponyms; these lists say when a capitalised token needs extra context.
 */

/** Names that are also ordinary words: reported only after a strong cue (`Dr.`, `Name:`, `son`…). */
/** Surname particles, written in lower case inside a name (`van der Berg`, `de la Cruz`, `bin Said`). */
export const PARTICLES: ReadonlySet<string> = new Set('van der den de del della di da das dos du la le von zu ter ten bin ibn al el'.split(' '))

export const COMMON_WORD_NAMES: ReadonlySet<string> = new Set(
  (
    'will hope may bill mark grace faith joy rose iris dawn april june summer autumn sunny ray rich guy jack max ' +
    'frank art bob chase drew gene glen hunter lane miles pat penny rob rod sandy skip stone sue tom ' +
    'brown white green black gray grey young king price hill wood cook bell little long best case wall fox love ' +
    'rice hunt short ball park field lake north south west east day night rivers banks bush barber baker ' +
    'walker ward cross page beach brooks burns church cole hall hardy head hope lord lucky mason moody ' +
    'noble parsons pierce porter reed rich rush shields small snow stark stock strong swift vale wells ' +
    'wise worth cash carter august christian major marshall savannah sky storm unique precious ' +
    'patient doctor nurse kidney heart blood liver'
  ).split(' '),
)

/**
 * Eponyms used as disease/sign/test names. A token here is not a name when followed by `'s`,
 * a disease word, or a hyphenated eponym — unless a title precedes it (`Mr. Parkinson`).
 */
export const EPONYMS: ReadonlySet<string> = new Set(
  (
    'parkinson parkinsons hodgkin hodgkins alzheimer alzheimers crohn crohns graves addison addisons cushing cushings ' +
    'down bell bells wilson wilsons huntington huntingtons guillain barre epstein barr marfan kawasaki meniere paget ' +
    'reye tay sachs turner klinefelter hashimoto buerger horner whipple homan homans murphy murphys kernig brudzinski ' +
    'trendelenburg heimlich swan ganz holter doppler coombs gleason breslow clark wells child pugh ranson bishop apgar ' +
    'fick starling korotkoff cheyne stokes kussmaul virchow osler wernicke korsakoff broca still lyme ewing wilms ' +
    'burkitt hurthle barrett zenker mallory weiss meckel hirschsprung wolff fallot eisenmenger romberg phalen tinel ' +
    'lachman mcmurray finkelstein allen adson spurling valsalva nissen roux billroth hartmann kocher colles foley ' +
    'raynaud sjogren tourette asperger kaposi gram babinski glasgow bence jones lou gehrig sturge weber dupuytren ' +
    'jackson pratt peyronie baker hirsutism legionnaires christmas hansen nightingale'
  ).split(' '),
)

/** Words after an eponym that mark the disease / score sense (a digit: "Gleason 3+4", "Apgar 8/9"). */
export const DISEASE_WORDS = new RegExp(
  String.raw`^[\s'’s-]*(?:disease|syndrome|palsy|lymphoma|sign|test|score|catheter|fracture|procedure|maneuver|manoeuvre|classification|criteria` +
    String.raw`|reflex|phenomenon|tumou?r|sarcoma|esophagus|encephalopathy|dementia|thyroiditis|ulcer|diverticulum|triad|operation|incision|repair` +
    String.raw`|fundoplication|tetralogy|respiration|breathing|nodes?|disorder|type|anomaly|scale|cyst|contracture|monitor|study|ultrasound|virus|stage` +
    String.raw`|grade|coma|stockings|stocking|drain|drains|virus|tear|cell|cells|body|bodies|hernia|'s|’s|s'|-|\d)`,
  'i',
)

/** Capitalised words that never start or continue a name (clinical vocabulary, section headers). */
export const NOT_NAMES: ReadonlySet<string> = new Set(
  (
    'patient pt name dob mrn date age sex male female history hpi assessment plan impression diagnosis discharge ' +
    'admission summary progress note notes lab labs results result comment comments message referral letter dear ' +
    'sincerely regards thanks thank the a an and or of in on at to for with by from he she they his her their it ' +
    'is was has had no yes not mg ml bp hr rr temp spo2 cbc bmp cmp hgb wbc plt ekg ecg ct mri xr cxr er ed icu ' +
    'or pacu room bed floor unit ward clinic hospital center medical health street avenue road follow up pcp md do rn np pa ' +
    'mr mrs ms dr miss prof doctor son daughter wife husband mother father brother sister spouse signed seen referred ' +
    'contact phone fax email address city state zip ssn acct account member id license serial device vin ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march july september ' +
    'october november december today yesterday tomorrow vital vitals exam physical general neuro cardio cardiology ' +
    'oncology neurology radiology pathology pediatrics surgery medicine primary care family internal emergency ' +
    'department service team attending resident nursing pharmacy social work case management please call return ' +
    'reports denies states complains presents presented continue start stop increase decrease resume hold ' +
    'chief complaint medications allergies review systems labs imaging procedures hospital course condition ' +
    'instructions diet activity follow-up subjective objective interval events overnight normal stable afebrile ' +
    'blood pressure heart rate glucose hemoglobin creatinine sodium potassium chloride platelets insulin metformin ' +
    'lisinopril aspirin heparin warfarin tylenol lasix type ii i iii iv v mild moderate severe acute chronic left right ' +
    'bilateral regular also new old recent recently plan: hi hello see per re'
  ).split(' '),
)

/**
 * Lowercase words that may follow a cue (`pt`, `daughter`) without being a name. A lowercase token
 * after a strong cue that is not here (and not a dictionary name) is taken as an unseen name.
 */
export const LOWERCASE_STOP: ReadonlySet<string> = new Set(
  (
    'is was has had have having reports reported denies denied presents presented states stated complains ' +
    'with without and or but to for in on at of the a an will may can could should would who whose which that this ' +
    'today tomorrow yesterday tolerated tolerating tolerates ambulating ambulated ambulates feels feeling felt doing ' +
    'remains remained continues continued notes noted says said agrees agreed declined declines refused refuses here ' +
    'there now also not no yes currently recently again still already returned returns arrived arrives came comes ' +
    'went goes called calls requests requested asked asks wants wanted needs needed seen being been due underwent ' +
    'admitted discharged taking takes took given received receiving started stopped moved transferred lives lived ' +
    "is's reports education instructed understands understood verbalized verbalizes expressed expresses appears " +
    'appeared looks looked is\u2019s did does do done got gets getting walked walks walking ate eats eating slept sleeps ' +
    'sleeping used uses using remains became becomes developed develops experienced experiences endorses endorsed ' +
    'tolerating last first second third from by as if when while after before since until during about over under ' +
    'identified identifies name names number id dob mrn age sex gender status is:, was: his her their its our my your ' +
    "both all each every one two three four five other another same new old who's present presenting care cares " +
    'must might shall need able unable never always often usually sometimes initially then later ' +
    'portal message messages record records chart visit visits call phone email note notes friend family ' +
    'visited visiting visits brought brings helps helped helping stays stayed present arrives declined drove ' +
    'colleague colleagues sir madam doctor doctors team all provider providers nurse nurses'
  ).split(' '),
)
