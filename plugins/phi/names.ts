import type { PhiSpan } from './types.ts'
import { span } from './span.ts'
import { FIRST_NAMES, LAST_NAMES } from './dictionaries/names.ts'
import { STATES } from './dictionaries/places.ts'
import { COMMON_WORD_NAMES, DISEASE_WORDS, EPONYMS, LOWERCASE_STOP, NOT_NAMES, PARTICLES } from './lexicon.ts'
import { classify } from './word-class.ts'
import { nameLikeness } from './name-likeness.ts'
import { lexicons } from './lexicon-store.ts'

const isClinicalTerm = (word: string) => lexicons().clinical.has(word)

/** A note that uses lower case (a capital then means something): not written all in capitals. */
const MIXED_CASE = /[a-z]{3}/

const FIRST: ReadonlySet<string> = new Set(FIRST_NAMES.map((n) => n.toLowerCase()))
const LAST: ReadonlySet<string> = new Set(LAST_NAMES.map((n) => n.toLowerCase()))
/** State names ("Georgia", "Virginia") are names only with a title or cue. */
const STATE_WORDS: ReadonlySet<string> = new Set(STATES.map((x) => x.toLowerCase()))
// Not `Sr` (sinus rhythm) or `Sra`: in notes they are rhythms far more often than titles.
const TITLES: ReadonlySet<string> = new Set(['Dr', 'Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Prof', 'Doctor', 'Dra'])
/** Cues after which a following token is a name even if lowercase or unknown. */
const STRONG_CUES: ReadonlySet<string> = new Set(
  (
    'name patient pt son daughter wife husband mother father brother sister ' +
    'spouse grandson granddaughter caregiver guardian mom dad friend neighbor nephew niece aunt uncle partner ' +
    'dear sincerely signed attending pcp provider cc contact nok surgeon physician therapist'
  ).split(' '),
)
/**
 * Cues after which even an unknown lowercase word is a name (`pt zanita`, `daughter tasha`); after
 * the other cues (`provider`, `contact`, `Dear`) only capitalised or dictionary names count.
 */
const LOWER_OK_CUES: ReadonlySet<string> = new Set(
  (
    'patient pt son daughter wife husband mother father brother sister ' +
    'spouse grandson granddaughter caregiver guardian mom dad nephew niece aunt uncle partner'
  ).split(' '),
)
/** title: `Dr.`; strong: cue admitting unknown lowercase words; cue: capitalised or dictionary only. */
type Cue = 'title' | 'strong' | 'relation' | 'cue' | 'none'
/** Family and carers: after them a name is often an everyday word too (`daughter ransom`, `son cooper`). */
const RELATION_CUES: ReadonlySet<string> = new Set(
  (
    'son daughter wife husband mother father brother sister spouse grandson granddaughter ' + 'caregiver guardian mom dad nephew niece aunt uncle partner'
  ).split(' '),
)
/** `by` is a cue only after these verbs: "seen by", "referred by". */
const BY_VERBS: ReadonlySet<string> = new Set('seen referred signed dictated reviewed evaluated accompanied examined visited transcribed cosigned'.split(' '))

/**
 * Names from dictionaries (faker-derived first names and surnames) plus context: titles (`Dr.`),
 * cue words (`Name:`, `patient`, `son`, `seen by`) that also admit unseen capitalised tokens and
 * lowercase dictionary names (`pt john smith`). Eponyms in the disease sense and names that are
 * common words (`Will`, `Hope`) need a title or cue. Single pass over word tokens.
 * @example
 * detectNames('Seen by Dr. Okonkwo for Parkinson disease') // one NAME: "Okonkwo"
 */
export function detectNames(text: string): PhiSpan[] {
  const starts: number[] = []
  const ends: number[] = []
  tokenize(text, starts, ends)
  const n = starts.length
  const out: PhiSpan[] = []
  const cues = cuePositions(text)
  let i = 0
  while (i < n) {
    const s = starts[i] as number
    const c = text.charCodeAt(s)
    const cap = c >= 65 && c <= 90
    const cue = cues.get(s) ?? 'none'
    if (!cap && cue !== 'strong' && cue !== 'relation' && cue !== 'cue') {
      i++
      continue
    }
    // Fast path: without a cue only Title-case tokens can be dictionary names (skips BP, CBC, HR…).
    if (cue === 'none') {
      const c2 = text.charCodeAt(s + 1)
      if (!(c2 >= 97 && c2 <= 122)) {
        i++
        continue
      }
    }
    const t = tok(text, s, ends[i] as number)
    if ((NOT_NAMES.has(t.lower) && cue !== 'title') || (t.core - s === 1 && cue === 'none')) {
      i++
      continue
    }
    const inDict = FIRST.has(t.lower) || LAST.has(t.lower)
    let score = 0
    let detector = 'dictionary:name'
    if (cue === 'title') {
      score = 0.92
      detector = 'context:title'
    } else if (cue === 'relation') {
      const wc = classify(t.lower)
      const digitAfter = text.charCodeAt(t.core) >= 48 && text.charCodeAt(t.core) <= 57
      // Not prose (`son said`, `daughter states`), not a clinical word; otherwise a word after a relation is taken as a name.
      if (
        digitAfter ||
        LOWERCASE_STOP.has(t.lower) ||
        isClinicalTerm(t.lower) ||
        (wc.common && !wc.name) ||
        t.core - s < 3 ||
        (!wc.common && !wc.name && nameLikeness(t.lower) <= 0)
      ) {
        i++
        continue
      }
      score = cap || inDict || wc.name ? 0.9 : 0.6
      detector = 'context:cue'
    } else if (cue === 'strong' || cue === 'cue') {
      // A word the lists know to be safe is no name after a cue either (`PT ALERT`, `pt recieved`), unless it is a name too.
      const wc = classify(t.lower)
      // `pt sao2`: a clinical term whose digits follow.
      const digitAfter = text.charCodeAt(t.core) >= 48 && text.charCodeAt(t.core) <= 57
      // A common word after a cue is a name only as a given name before a surname-like word (`pt john smith`, `pt hope kron`).
      const givenName = wc.common && (FIRST.has(t.lower) || COMMON_WORD_NAMES.has(t.lower)) && cue === 'strong' && followedByName(text, starts, ends, i)
      if (digitAfter || t.core - s < 2 || (!wc.name && wc.safe) || (wc.common && !givenName && !(cap && MIXED_CASE.test(text)))) {
        i++
        continue
      }
      // A lower-case word no list knows must look like a name, not a misspelling (`pt grimises`).
      if (!cap && !wc.name && nameLikeness(t.lower) <= 0.35) {
        i++
        continue
      }
      // Lowercase after a cue: a dictionary name, or (strong cues only) any word that is not common prose.
      const commonOk = cue === 'strong' && COMMON_WORD_NAMES.has(t.lower) && followedByLowerName(text, starts, ends, i)
      if (
        !cap &&
        ((COMMON_WORD_NAMES.has(t.lower) && !commonOk) || LOWERCASE_STOP.has(t.lower) || t.core - s < 3 || isEponymSense(text, t) || (cue === 'cue' && !inDict))
      ) {
        i++
        continue
      }
      score = cap || inDict ? 0.9 : 0.6
      detector = 'context:cue'
    } else {
      // All-caps tokens ("VAN", headers) are not dictionary names.
      const c2 = text.charCodeAt(s + 1)
      // A name that is also a clinical abbreviation (`Mae`, moves all extremities) needs a cue.
      if (
        !inDict ||
        !(c2 >= 97 && c2 <= 122) ||
        COMMON_WORD_NAMES.has(t.lower) ||
        STATE_WORDS.has(t.lower) ||
        isEponymSense(text, t) ||
        isClinicalTerm(t.lower)
      ) {
        i++
        continue
      }
      score = FIRST.has(t.lower) ? 0.7 : 0.65
    }
    if (cue === 'none' && EPONYMS.has(t.lower) && isEponymSense(text, t)) {
      i++
      continue
    }
    // Extend over following name tokens: capitalised (or lowercase dictionary names in lowercase mode).
    let last = i
    let end = t.core
    while (last + 1 < n && last - i < 3 && end === (ends[last] as number)) {
      const ns = starts[last + 1] as number
      const gap = text.slice(end, ns)
      const prevLen = end - (starts[last] as number)
      if (!(gap === ' ' || (prevLen === 1 && gap === '. '))) break
      const nt = tok(text, ns, ends[last + 1] as number)
      const ncap = text.charCodeAt(ns) >= 65 && text.charCodeAt(ns) <= 90
      // `Anneke van der Berg`, `Luis de la Cruz`: lower-case particles belong to the surname that follows.
      if (cap && !ncap && PARTICLES.has(nt.lower) && particlesThenCapital(text, starts, ends, last + 1)) {
        last++
        end = nt.core
        continue
      }
      // A short all-capitals word is an abbreviation or a postcode part (`London NW1`), not the rest of a name.
      if (ncap && nt.core - ns <= 3 && /^[A-Z]+$/.test(text.slice(ns, nt.core))) break
      if (NOT_NAMES.has(nt.lower) || isEponymSense(text, nt)) break
      if (
        ncap
          ? COMMON_WORD_NAMES.has(nt.lower) && !(FIRST.has(nt.lower) || LAST.has(nt.lower)) && cue === 'none'
          : cap || LOWERCASE_STOP.has(nt.lower) || nt.core - ns < 2 || (COMMON_WORD_NAMES.has(nt.lower) && !(FIRST.has(nt.lower) || LAST.has(nt.lower)))
      )
        break
      last++
      end = nt.core
    }
    // A capitalised unknown token right before a dictionary surname is its given name ("Zyler Smith").
    let start = s
    if (cue === 'none' && i > 0 && !FIRST.has(t.lower)) {
      const ps = starts[i - 1] as number
      const pc = text.charCodeAt(ps)
      if (pc >= 65 && pc <= 90 && text.slice(ends[i - 1] as number, s) === ' ') {
        const pt = tok(text, ps, ends[i - 1] as number)
        if (pt.core === ends[i - 1] && !NOT_NAMES.has(pt.lower) && !COMMON_WORD_NAMES.has(pt.lower) && pt.core - ps > 1) start = ps
      }
    }
    if (detector === 'dictionary:name') {
      if (last > i || start < s) score = 0.85
      else if (sentenceStart(text, s)) score = 0.55
    }
    out.push(span(start, end, 'NAME', score, detector))
    i = last + 1
  }
  return out
}

/** Token text without a possessive `'s`, lower-cased, and where its core ends. */
function tok(text: string, s: number, e: number): { lower: string; core: number } {
  let core = e
  if (e - s > 3) {
    const a = text.charCodeAt(e - 2)
    if ((a === 39 || a === 0x2019) && (text[e - 1] === 's' || text[e - 1] === 'S')) core = e - 2
  }
  return { lower: text.slice(s, core).toLowerCase(), core }
}

function isEponymSense(text: string, t: { lower: string; core: number }): boolean {
  if (!EPONYMS.has(t.lower)) return false
  const after = text.slice(t.core, t.core + 24)
  if (DISEASE_WORDS.test(after)) return true
  // Two-eponym terms: "Jackson Pratt drain", "Guillain Barre syndrome".
  const next = /^[ -]([A-Za-z]+)/.exec(after)
  if (!next) return false
  const w = (next[1] as string).toLowerCase()
  return EPONYMS.has(w) && DISEASE_WORDS.test(text.slice(t.core + 1 + w.length, t.core + 25 + w.length))
}

function sentenceStart(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0; k--) {
    const ch = text[k] as string
    if (ch === ' ' || ch === '\t' || ch === '"' || ch === '(') continue
    return ch === '.' || ch === '!' || ch === '?' || ch === '\n' || ch === ':' || ch === '-' || ch === '*'
  }
  return true
}

/**
 * Where a name may start because a cue precedes it: position → 'title' | 'strong'. Found with two
 * regexes over the whole text, so the token loop never slices or lower-cases ordinary lowercase words.
 */
function cuePositions(text: string): Map<number, Cue> {
  const at = new Map<number, Cue>()
  let m: RegExpExecArray | null
  STRONG_RE.lastIndex = 0
  while ((m = STRONG_RE.exec(text))) {
    const word = (m[1] as string).toLowerCase()
    at.set(m.index + m[0].length, RELATION_CUES.has(word) ? 'relation' : LOWER_OK_CUES.has(word) || (word === 'name' && m[0].includes(':')) ? 'strong' : 'cue')
  }
  TITLE_RE.lastIndex = 0
  while ((m = TITLE_RE.exec(text))) at.set(m.index + m[0].length, 'title')
  return at
}

const TITLE_RE = new RegExp(String.raw`\b(?:${[...TITLES].join('|')})\.?[ \t]{1,3}`, 'g')
const STRONG_RE = new RegExp(String.raw`\b(${[...STRONG_CUES].join('|')}|(?:${[...BY_VERBS].join('|')}) by)(?![A-Za-z'’-])[ \t:,]{1,4}`, 'gi')

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/**
 * Word tokens: ASCII letters with inner apostrophes or hyphens (`O'Brien`, `Smith-Jones`). A
 * hand-written scanner because a regex exec per token allocates a match array per word.
 */
function tokenize(text: string, starts: number[], ends: number[]): void {
  const len = text.length
  let k = 0
  while (k < len) {
    if (!isLetter(text.charCodeAt(k))) {
      k++
      continue
    }
    const s = k
    for (;;) {
      while (k < len && isLetter(text.charCodeAt(k))) k++
      const c = text.charCodeAt(k)
      if ((c === 39 || c === 0x2019 || c === 45) && k + 1 < len && isLetter(text.charCodeAt(k + 1))) {
        k++
        continue
      }
      break
    }
    starts.push(s)
    ends.push(k)
  }
}

/**
 * A common-word name after a strong cue counts when a lowercase surname-like word follows
 * (`pt hope kron`), but not before prose (`patient will follow`, `pt rose to`).
 */
function followedByLowerName(text: string, starts: number[], ends: number[], i: number): boolean {
  const ns = starts[i + 1]
  const ne = ends[i + 1]
  if (ns === undefined || ne === undefined || ns - (ends[i] as number) !== 1 || text[ns - 1] !== ' ') return false
  const c = text.charCodeAt(ns)
  if (!(c >= 97 && c <= 122) || ne - ns < 3) return false
  const w = text.slice(ns, ne)
  return !LOWERCASE_STOP.has(w) && !COMMON_WORD_NAMES.has(w) && !NOT_NAMES.has(w)
}

/** The next word is a surname or a word no list knows that looks like a name (`john smith`, `hope kron`). */
function followedByName(text: string, starts: number[], ends: number[], i: number): boolean {
  const ns = starts[i + 1]
  const ne = ends[i + 1]
  if (ns === undefined || ne === undefined || ns - (ends[i] as number) !== 1 || text[ns - 1] !== ' ') return false
  const w = text.slice(ns, ne).toLowerCase()
  const c = classify(w)
  // Any word no list calls common will do: a surname the lists lack may still look like a misspelt word.
  return !LOWERCASE_STOP.has(w) && !NOT_NAMES.has(w) && (LAST.has(w) || !c.common)
}

/** Token i and any particles after it are followed, one space apart, by a capitalised word. */
function particlesThenCapital(text: string, starts: number[], ends: number[], i: number): boolean {
  for (let j = i + 1; j < starts.length && j <= i + 2; j++) {
    if (text.slice(ends[j - 1] as number, starts[j] as number) !== ' ') return false
    const c = text.charCodeAt(starts[j] as number)
    if (c >= 65 && c <= 90) return true
    if (!PARTICLES.has(text.slice(starts[j] as number, ends[j] as number).toLowerCase())) return false
  }
  return false
}
