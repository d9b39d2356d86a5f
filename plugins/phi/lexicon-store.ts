import { CLINICAL_VOCABULARY } from './dictionaries/clinical-vocabulary.ts'
import { ENGLISH_WORDS } from './dictionaries/english.ts'
import { MEDICAL_WORDS } from './dictionaries/medical-words.ts'
import { FIRST_NAMES, LAST_NAMES } from './dictionaries/names.ts'
import { PEOPLE_NAMES } from './dictionaries/people-names.ts'
import { CITIES, STATES } from './dictionaries/places.ts'
import { WORLD_PLACES } from './dictionaries/world-places.ts'

const PREFIX_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'

/** Undo the build script's front coding (scripts/phi-lexicons.ts): one pass, sorted output. */
export function frontDecode(packed: string): string[] {
  const out: string[] = []
  let previous = ''
  for (const entry of packed.split(' ')) {
    const word = previous.slice(0, PREFIX_DIGITS.indexOf(entry[0]!)) + entry.slice(1)
    out.push(word)
    previous = word
  }
  return out
}

export interface Lexicons {
  english: ReadonlySet<string>
  /** Clinical abbreviations, shorthand, drugs, units and ICD-10 title words that are not English words. */
  clinical: ReadonlySet<string>
  /** English and clinical words together, sorted: for prefix (truncation) search. */
  commonSorted: readonly string[]
  /** Given names and surnames, lower case. */
  names: ReadonlySet<string>
  /** Place names, lower case; multi-word ones with spaces. */
  places: ReadonlySet<string>
  /** The first word of every multi-word place name, for phrase matching. */
  placeHeads: ReadonlySet<string>
}

let built: Lexicons | undefined
/**
 * The word lists, decoded on first use (once per process) rather than at import: a process that
 * never detects PHI never pays for them.
 */
export function lexicons(): Lexicons {
  return (built ??= buildLexicons())
}

function buildLexicons(): Lexicons {
  const english = frontDecode(ENGLISH_WORDS)
  // US states are not PHI under Safe Harbor (a subdivision smaller than a state is): never a name or a place to hide.
  const clinical = [...CLINICAL_VOCABULARY, ...frontDecode(MEDICAL_WORDS), ...STATES.map((s) => s.toLowerCase())]
  const places = [...frontDecode(WORLD_PLACES).map((p) => p.replaceAll('_', ' ')), ...CITIES.map((c) => c.toLowerCase())]
  return {
    english: new Set(english),
    clinical: new Set(clinical),
    commonSorted: [...english, ...clinical].sort(),
    // A name list holds `In`, `No` and `To` too: the commonest English words are never names.
    names: new Set(
      [...frontDecode(PEOPLE_NAMES), ...FIRST_NAMES.map((n) => n.toLowerCase()), ...LAST_NAMES.map((n) => n.toLowerCase())].filter(
        (n) => n.length > 1 && !STOPWORDS.has(n),
      ),
    ),
    places: new Set(places),
    placeHeads: new Set(places.filter((p) => p.includes(' ')).map((p) => p.slice(0, p.indexOf(' ')))),
  }
}

/** The commonest English words (articles, pronouns, prepositions, auxiliaries, frequent verbs and nouns). */
const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between
  both but by can cannot could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself me more most my myself no nor not of off on once only or other our ours out over own same
  she should so some such than that the their theirs them then there these they this those through to too under until up very was we were
  what when where which while who whom why with would you your yours also ok per via yes one two three four five six seven eight nine ten
  see saw seen go went gone get got make made take took give gave come came call called line lines left right back side time times day
  days night week weeks home room bed care plan note well good bad new old last next first second end start stop set still just even`.split(/\s+/),
)
