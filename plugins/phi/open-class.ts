import { span } from './span.ts'
import type { PhiSpan, PhiType } from './types.ts'
import { nameLikeness } from './name-likeness.ts'
import { classify, type WordClass } from './word-class.ts'
import { lexicons } from './lexicon-store.ts'
import { PARTICLES } from './lexicon.ts'

/**
 * The recall-first detector (after Philter and PhysioNet `deid`): every word that is not known to
 * be safe is a candidate, and context, lists and shape decide what it is. Casing never decides on
 * its own: nursing notes are often all upper or all lower case. Scores: 0.9 with a title or an
 * initial (`DR. HOLMES`, `E. WELSH`), 0.85 with a relation or role (`dtr laverne`, `COOKE NP`),
 * 0.8 in a place context (`TRANSFERRED TO GH`), 0.7 for a listed name or place that is no common
 * word, 0.6 for any other word no list knows: `recall` mode (threshold 0.5) reports those,
 * `precision` (0.8) only the ones with context.
 * @example
 * detectOpenClass('PT ALERT. DR. HOLMES AWARE. TRANSFER TO QUARTERMAIN 2') // NAME HOLMES, LOCATION QUARTERMAIN
 */
export function detectOpenClass(text: string): PhiSpan[] {
  const letters = { upper: 0, all: 0 }
  const tokens = tokenize(text, letters)
  const out: PhiSpan[] = []
  const known = tokens.map((t) => wordOf(t.lower))
  const classes = known.map((w) => w.class)
  const marks = known.map((w) => w.marks)
  const gapBefore = (i: number) => (i > 0 ? text.slice(tokens[i - 1]!.end, tokens[i]!.start) : '')
  const isWord = (i: number, words: ReadonlySet<string>) => i >= 0 && i < tokens.length && (marks[i]! & MARK_OF.get(words)!) !== 0
  // Both cases in real use: more than a few capitals, yet far from all.
  const mixed = letters.all > 0 && letters.upper / letters.all > 0.02 && letters.upper / letters.all < 0.5
  // An all-capitals note: there a capital says nothing, and a common word may be a name (`UNION HOSP`).
  const caps = !mixed && /[A-Z]{3}/.test(text) && !/[a-z]{3}/.test(text)
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const c = classes[i]!
    // `SaO2`, `MSO4`, `FiO2`: a clinical term whose digits the tokenizer left off.
    if (t.lower.length < 2 || NEVER.has(t.lower) || (t.digits && classify(t.lower + t.digits).common)) continue
    // Most words are common words in plain prose: only a title before, a facility word after, a
    // capital after `to`/`from`/`at`/`in` in a mixed-case note or a multi-word place name can make one an identifier.
    if (
      c.common &&
      !c.name &&
      !c.place &&
      !isWord(i - 1, TITLES) &&
      !isWord(i - 1, DOTTED_TITLES) &&
      !isWord(i + 1, FACILITY_WORDS) &&
      !isWord(i + 2, FACILITY_WORDS) &&
      !(mixed && isWord(i - 1, PLACE_PREPOSITIONS) && isUpper(text.charCodeAt(t.start))) &&
      !known[i]!.placeHead
    )
      continue
    const gap = gapBefore(i)
    const nextGap = i + 1 < tokens.length ? gapBefore(i + 1) : ''
    // After a title even an everyday word that is a name counts (`DR. KNIGHT`).
    const named = c.name || !c.common
    // `Mr`, `Ms` are also mitral regurgitation and mental status: only with a dot (`Sr`, sinus rhythm, never).
    const titled = (isWord(i - 1, TITLES) && /^\.?\s{0,3}$/.test(gap)) || (isWord(i - 1, DOTTED_TITLES) && /^\.\s{0,3}$/.test(gap))
    // An initial stands alone (`E. WELSH`), not at the end of `N/V.`, `A&O.` or `D.C.`.
    const initialled =
      i > 0 &&
      tokens[i - 1]!.lower.length === 1 &&
      /^\.\s{1,2}$/.test(gap) &&
      isUpper(text.charCodeAt(tokens[i - 1]!.start)) &&
      !/[^\s(]/.test(text[tokens[i - 1]!.start - 1] ?? ' ')
    const relation = isWord(i - 1, RELATIONS) && /^[\s:,]{1,3}$/.test(gap)
    const related = (relation || isWord(i - 1, ROLES_BEFORE)) && /^[\s:,]{1,3}$/.test(gap)
    const addressed = isWord(i - 1, WEAK_CUES) && /^\s{1,2}$/.test(gap)
    const roleAfter = isWord(i + 1, ROLES_AFTER) && /^[\s,]{1,2}$/.test(nextGap)
    const likeness = c.common ? -1 : nameLikeness(t.lower)
    // Title case in a note written in mixed case is evidence; in all-caps or all-lower notes it is nothing.
    const capitalised = mixed && isUpper(text.charCodeAt(t.start)) && !isUpper(text.charCodeAt(t.start + 1))

    let type: PhiType | undefined
    let score = 0
    let detector = 'open:unknown'
    const phrase = known[i]!.placeHead ? placePhrase(text, tokens, i) : -1
    if (phrase > i) {
      const phraseWords = tokens.slice(i, phrase + 1)
      if (
        phraseWords.some((w, k) => !classes[i + k]!.common) ||
        (i > 0 && PLACE_PREPOSITIONS.has(tokens[i - 1]!.lower)) ||
        (mixed && phraseWords.every((w) => isUpper(text.charCodeAt(w.start))))
      ) {
        out.push(span(t.start, tokens[phrase]!.end, 'LOCATION', 0.75, 'open:place-phrase'))
        i = phrase
        continue
      }
    }
    if (titled && (named || nameLikeness(t.lower) > 0.2)) {
      type = 'NAME'
      score = 0.9
      detector = 'open:title'
    } else if (initialled && ((c.name && !COMMON_WORD_NAMES.has(t.lower)) || likeness > 0)) {
      type = 'NAME'
      score = 0.9
      detector = 'open:initial'
    }
    // After a relation a listed name that is also a rare word counts when it looks like a name (`daughter zenaida`, not `son said`).
    else if (
      ((related || roleAfter) && isRoleName(c, t.lower, capitalised, likeness)) ||
      (relation && c.name && !COMMON_WORD_NAMES.has(t.lower) && nameLikeness(t.lower) > 0.3)
    ) {
      type = 'NAME'
      score = 0.85
      detector = 'open:role'
    } else if (
      facilityAfter(text, tokens, i) &&
      !STOPWORDS_AND_GENERIC.has(t.lower) &&
      !lexicons().clinical.has(t.lower) &&
      (!c.common || capitalised || caps || shouting(text, t))
    ) {
      type = 'LOCATION'
      score = 0.85
      detector = 'open:facility'
    } else if (placeContext(text, tokens, i) && (!c.common || capitalised) && (tokens[i + 1]?.lower !== 'area' || c.place || likeness > 0.3)) {
      type = 'LOCATION'
      score = 0.8
      detector = 'open:place-context'
    } else if (t.lower.length >= 4 && likeness > 0 && unitNumberAfter(text, t) && (!c.safe || c.compound)) {
      type = 'LOCATION'
      score = 0.75
      detector = 'open:unit'
    } else if (addressed && !c.safe && (c.name || likeness > 0.3)) {
      type = 'NAME'
      score = 0.8
      detector = 'open:addressed'
    }
    // A word no list knows is reported when it looks like a name or place, not like a misspelt word.
    else if (
      t.lower.length >= 4 &&
      (c.name || c.place || likeness > LIKENESS || (capitalised && likeness > 0)) &&
      (!c.safe || (capitalised && c.name && !c.common))
    ) {
      type = c.place && !c.name ? 'LOCATION' : 'NAME'
      score = c.name || c.place ? 0.7 : 0.6
    }
    if (!type) continue
    // Right after `pt` or `patient` a candidate is a person, whatever the place lists say (`pt marana sporer`).
    if (type === 'LOCATION' && detector === 'open:unknown' && isWord(i - 1, PERSON_CUES)) type = 'NAME'
    let start = initialled && type === 'NAME' ? tokens[i - 1]!.start : t.start
    let end = t.end
    if (type === 'LOCATION' && capitalised) {
      // A capitalised place name goes on over capitalised words (`Good Sam`, `Mercy General`).
      let k = i + 1
      while (
        k < tokens.length &&
        k <= i + 2 &&
        /^ $/.test(gapBefore(k)) &&
        mixed &&
        isUpper(text.charCodeAt(tokens[k]!.start)) &&
        !FACILITY_WORDS.has(tokens[k]!.lower)
      )
        end = tokens[k++]!.end
      i = k - 1
    }
    if (type === 'NAME') {
      // The rest of the name: neighbouring listed names or unknown words (`WARREN KAVALIUNAS NP`).
      let k = i + 1
      // After a title, an initial or a role the surname may be an everyday word too (`dr. jane roe`).
      const strong = score >= 0.85
      for (let words = 0; k < tokens.length && words < 2 && /^(?: {1,2}|-)$/.test(gapBefore(k)); words++) {
        // Particles (`van der`, `de la`) lead to a surname, whatever else that word may be (`Berg`, `Cruz`).
        let p = k
        while (p + 1 < tokens.length && p < k + 2 && PARTICLES.has(tokens[p]!.lower) && gapBefore(p + 1) === ' ') p++
        const w = tokens[p]
        if (
          !w ||
          (p > k
            ? w.lower.length < 2 || PARTICLES.has(w.lower) || STOPWORDS_AND_GENERIC.has(w.lower) || lexicons().clinical.has(w.lower)
            : !(
                continues(classes[k]!, w.lower) ||
                (strong && classes[k]!.name && !COMMON_WORD_NAMES.has(w.lower) && !lexicons().clinical.has(w.lower) && !STOPWORDS_AND_GENERIC.has(w.lower))
              ))
        )
          break
        end = w.end
        k = p + 1
      }
      // Leftwards a place name counts too: many surnames and given names are towns (`WARREN KAVALIUNAS`).
      const left = classes[i - 1]
      if (
        i > 0 &&
        !initialled &&
        /^ {1,2}$/.test(gap) &&
        left &&
        !TITLES.has(tokens[i - 1]!.lower) &&
        !STOPWORDS_AND_GENERIC.has(tokens[i - 1]!.lower) &&
        (continues(left, tokens[i - 1]!.lower) ||
          (left.place && !lexicons().clinical.has(tokens[i - 1]!.lower)) ||
          // A capitalised given name before a surname, even if some list excuses it as a misspelling (`Kwame Mensah`).
          (mixed && !left.common && isUpper(text.charCodeAt(tokens[i - 1]!.start)) && nameLikeness(tokens[i - 1]!.lower) > LIKENESS))
      )
        start = tokens[i - 1]!.start
      i = k - 1
    }
    out.push(span(start, end, type, score, detector))
  }
  return out
}

/**
 * A role word (`NP`, `PA`, `MD`) or a relation is next to ordinary words too (`STRONG NP COUGH`, `son said`):
 * there the word must be one no list calls common, or a capitalised name in a mixed-case note.
 */
function isRoleName(c: WordClass, word: string, capitalised: boolean, likeness: number): boolean {
  // Many surnames are run-together words (`Kettleby`, `Whitfield`): next to a role a compound counts.
  return (c.name && (!c.common || capitalised) && !lexicons().clinical.has(word)) || (likeness > 0 && (!c.safe || c.compound))
}

/** A word that carries a name on: a listed name (not a modal like `will`) or a word no list knows. */
const continues = (c: WordClass, word: string) => word.length > 1 && !NEVER.has(word) && ((c.name && !c.common) || !c.safe)

const isUpper = (code: number) => code >= 65 && code <= 90
/** A word in capitals (`MERCY`), which in a mixed-case note is as good as a capital initial. */
const shouting = (text: string, t: Token) => t.end - t.start >= 2 && /^[A-Z]+$/.test(text.slice(t.start, t.end))

/** Name-likeness a word needs when nothing but its letters speaks for it (see name-likeness.ts). */
const LIKENESS = Number(globalThis.process?.env?.NEXORA_PHI_LIKENESS ?? 0.35)

/** What one word is, looked up once per distinct word: its class, its cue lists (bits), whether a place name starts with it. */
interface WordInfo {
  class: WordClass
  marks: number
  placeHead: boolean
}
const wordInfo = new Map<string, WordInfo>()
function wordOf(lower: string): WordInfo {
  let info = wordInfo.get(lower)
  if (!info) {
    if (wordInfo.size >= 50_000) wordInfo.clear()
    info = { class: classify(lower), marks: MARKS.get(lower) ?? 0, placeHead: lexicons().placeHeads.has(lower) }
    wordInfo.set(lower, info)
  }
  return info
}

interface Token {
  start: number
  end: number
  lower: string
  digits: string
}

/**
 * Letter runs with inner apostrophes; a possessive `'s` is left out of `lower`, digits right after
 * in `digits`. Hyphens split words: shorthand strings them together (`gu-qsuo`, `ABX-CEFTAZ`), and
 * each part is judged alone. A hand-written scanner: a regex match per word allocates an array each.
 */
function tokenize(text: string, letters: { upper: number; all: number }): Token[] {
  const out: Token[] = []
  const n = text.length
  let k = 0
  while (k < n) {
    if (!isLetter(text.charCodeAt(k))) {
      k++
      continue
    }
    const start = k
    let capitals = 0
    for (;;) {
      for (let c = text.charCodeAt(k); k < n && isLetter(c); c = text.charCodeAt(++k)) if (c <= 90) capitals++
      const c = text.charCodeAt(k)
      if ((c === 39 || c === 0x2019) && k + 1 < n && isLetter(text.charCodeAt(k + 1))) {
        k++
        continue
      }
      break
    }
    let end = k
    letters.all += k - start
    letters.upper += capitals
    const a = text.charCodeAt(end - 2)
    if (end - start > 2 && (a === 39 || a === 0x2019) && (text.charCodeAt(end - 1) | 32) === 115) end -= 2
    let d = k
    while (d < n && text.charCodeAt(d) >= 48 && text.charCodeAt(d) <= 57) d++
    const word = text.slice(start, end)
    out.push({ start, end, lower: capitals ? word.toLowerCase() : word, digits: d > k ? text.slice(k, d) : '' })
    k = d
  }
  return out
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/** `QUARTERMAIN 2`, `Ward3`: a unit or floor named after a place, then its number (not `75-85`, `3days`, `80's`). */
function unitNumberAfter(text: string, t: Token): boolean {
  if (t.digits) return t.digits.length <= 2 && !/^[A-Za-z'’-]/.test(text.slice(t.end + t.digits.length))
  return /^ \d{1,2}(?=[\s,.;:)]|$)/.test(text.slice(t.end, t.end + 5))
}

/** The last token of a two- or three-word place name starting at token i (`Bel Air`), or -1. */
function placePhrase(text: string, tokens: Token[], i: number): number {
  const l = lexicons()
  if (!l.placeHeads.has(tokens[i]!.lower)) return -1
  let phrase = tokens[i]!.lower
  let found = -1
  for (let k = i + 1; k <= i + 2 && k < tokens.length; k++) {
    if (text.slice(tokens[k - 1]!.end, tokens[k]!.start) !== ' ') break
    phrase += ` ${tokens[k]!.lower}`
    if (l.places.has(phrase)) found = k
  }
  return found
}

/** The word (or the one before it) stands right before `hospital`: `UNION HOSP`, `Calvert Hospital`. */
function facilityAfter(text: string, tokens: Token[], i: number): boolean {
  const next = tokens[i + 1]
  if (!next || text.slice(tokens[i]!.end, next.start) !== ' ') return false
  if (FACILITY_WORDS.has(next.lower)) return true
  const after = tokens[i + 2]
  return Boolean(after && FACILITY_WORDS.has(after.lower) && text.slice(next.end, after.start) === ' ' && !STOPWORDS_AND_GENERIC.has(next.lower))
}

/** After `to`/`from`/`at` following a word of moving (`TRANSFERRED TO GH`), or right before `area`. */
function placeContext(text: string, tokens: Token[], i: number): boolean {
  if (tokens[i + 1]?.lower === 'area' && /^ +$/.test(text.slice(tokens[i]!.end, tokens[i + 1]!.start))) return true
  const prep = tokens[i - 1]?.lower
  // `came in. It was`: a sentence boundary is no place context.
  if (!prep || !PLACE_PREPOSITIONS.has(prep) || !/^\s+$/.test(text.slice(tokens[i - 1]!.end, tokens[i]!.start))) return false
  // The verb may be a few words back (`TRANSFERRED FROM MERCY HOSPITAL TO BMC`), within the sentence.
  for (let k = i - 2; k >= i - 6 && k >= 0; k--) {
    if (MOVING.has(tokens[k]!.lower)) return true
    if (/[.;!?]/.test(text.slice(tokens[k]!.end, tokens[k + 1]!.start))) return false
  }
  return false
}

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter(Boolean))
const TITLES = words('dr drs doctor mrs miss prof dra')
const DOTTED_TITLES = words('mr ms mx')
const ROLES_BEFORE = words('np nps pa md rn cnp crna attending fellow resident intern surgeon nurse')
const ROLES_AFTER = words('np pa md rn cnp crna phd')
const RELATIONS = words(`dtr daughter daughters son sons wife husband sister brother mother father mom dad niece nephew friend hcp proxy
  neighbor neighbour grandson granddaughter aunt uncle cousin partner fiance fiancee sibling guardian caregiver name stepson stepdaughter`)
const PERSON_CUES = words('pt pts patient patients')
const WEAK_CUES = words('per called paged notified informed contacted')
const FACILITY_WORDS = words('hospital hosp hospitals clinic infirmary hospice')
const PLACE_PREPOSITIONS = words('to from at in')
const MOVING = words(`transfer transferred transfered xfer xfered tx txfer admitted adm brought sent medflight medflighted flown flew came arrived
  transported returned taken went lives living lived resides residing moved born home discharged transferring admit`)
/** Words before `hospital` that name no particular one. */
const STOPWORDS_AND_GENERIC = words(`to from at in on for with and or the a an of by per as this that another other same outside local
  community general memorial university childrens children's county city state regional medical health care nursing rehab our his her their
  he she it we they you cardiology oncology neurology primary urgent pain diabetes sleep dermatology orthopedic pediatric surgical surgery
  family medicine internal women womens women's children heart cancer eye wound dialysis infusion walk-in free mental behavioral specialty
  outpatient inpatient anticoagulation lipid memory movement disorders psychiatric psychiatry rehabilitation veterans teaching`)
/** Every cue list as a bit, and each listed word's bits, so a token's lists are one lookup. */
const MARK_OF = new Map<ReadonlySet<string>, number>()
const MARKS = new Map<string, number>()
for (const list of [TITLES, DOTTED_TITLES, ROLES_BEFORE, ROLES_AFTER, RELATIONS, PERSON_CUES, WEAK_CUES, FACILITY_WORDS, PLACE_PREPOSITIONS]) {
  const bit = 1 << MARK_OF.size
  MARK_OF.set(list, bit)
  for (const w of list) MARKS.set(w, (MARKS.get(w) ?? 0) | bit)
}
/** Never names or places, whatever the lists say: clinical words the name lists happen to hold. */
const NEVER = words('pt pts patient dr np md rn pa sats neuro resp abd cv gi gu id')
/** Listed names that are everyday words: only a title, initial or role makes them names. */
const COMMON_WORD_NAMES = words(`will may hope bill mark rose art gene pat guy max rich ray frank
  april june august chase drew lane miles penny rob sandy skip stone sue jack bob king young price hill wood bell long best wall
  rice ball park lake day night banks ward cross page reed rush small snow stark strong swift wise cash major sky storm`)
