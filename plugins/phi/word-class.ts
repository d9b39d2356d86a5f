import { lexicons, type Lexicons } from './lexicon-store.ts'

/** What the lists say about one lower-case word. */
export interface WordClass {
  /** An English word or a clinical term, exactly. */
  common: boolean
  /**
   * Known safe by derivation too: a misspelling, truncation, compound or inflection of a common
   * word. A listed name is safe only when it is one letter off a clinical abbreviation.
   */
  safe: boolean
  /** A given name or surname. */
  name: boolean
  /** A place name. */
  place: boolean
  /** Safe only as two common words run together: a unit named after a place can look like one (`quartermain`). */
  compound: boolean
  /** A listed name that is also a common word misspelt: safe without context, a name when capitalised in a mixed-case note. */
  typoName: boolean
}

const SUFFIXES = ['s', 'es', 'ed', 'd', 'ing', 'ly', 'able', 'ible', 'ness', 'ment', 'er', 'ers', 'ion', 'ions', 'ive', 'al', 'ally']
const APOSTROPHE_ENDINGS = /(?:n['’]t|['’](?:s|d|ed|t|ing|ll|re|ve|l))$/
const CACHE_LIMIT = 50_000
const cache = new Map<string, WordClass>()

/**
 * Classify a word (lower case, no possessive). Notes are full of shorthand and misspellings, and a
 * detector that calls every unknown word PHI reports them all; one that trusts casing fails on
 * all-caps notes. So a word is `safe` when it is a common word or plainly derived from one, and
 * names win: a listed name is never made safe by derivation (`holmes` is not `homes` misspelt).
 * @example
 * classify('recieved') // { common: false, safe: true, name: false, place: false }
 */
export function classify(word: string): WordClass {
  const hit = cache.get(word)
  if (hit) return hit
  const l = lexicons()
  const result = new LazyClass(l, word)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(word, result)
  return result
}

/**
 * The list lookups at once; the derivations (misspellings, truncations: up to a few hundred
 * lookups a word) only when a rule asks for `safe`, which most words never reach.
 */
class LazyClass implements WordClass {
  readonly common: boolean
  readonly name: boolean
  readonly place: boolean
  #typoName?: boolean
  #derived?: boolean | 'compound'
  constructor(
    private readonly l: Lexicons,
    private readonly word: string,
  ) {
    this.common = isCommon(l, word)
    this.name = l.names.has(word)
    this.place = l.places.has(word)
  }

  // A listed name one letter off a clinical abbreviation or a common word, with no context, is that word
  // misspelt (`perl`, `deline`, `runing`): name lists are full of such rare surnames. Context still reads it as a name.
  get typoName(): boolean {
    if (this.#typoName === undefined) {
      const { l, word } = this
      this.#typoName =
        this.name &&
        !this.common &&
        ((word.length <= 6 && oneEdit(word, (x) => l.clinical.has(x))) || (word.length >= 5 ? oneEdit(word, (x) => isCommon(l, x)) : droppedLetter(l, word)))
    }
    return this.#typoName
  }

  get safe(): boolean {
    return this.common || this.typoName || this.derived !== false
  }

  get compound(): boolean {
    return this.derived === 'compound'
  }

  private get derived(): boolean | 'compound' {
    this.#derived ??= !this.common && !this.name && !this.place ? derivedSafe(this.l, this.word) : false
    return this.#derived
  }
}

const isCommon = (l: Lexicons, w: string) => l.english.has(w) || l.clinical.has(w)

/** Endings of medical terms and drug stems: `-itis`, `-ectomy`, `-pneic`, `-olol`, `-statin`… */
const MEDICAL_ENDINGS = new RegExp(
  String.raw`(?:itis|osis|emia|aemia|ectomy|otomy|ostomy|plasty|scopy|graphy|gram|pnea|pnoea|pneic|algia|opathy|ology|ologist|cardia|cardic|trophy` +
    String.raw`|plegia|paresis|lysis|lytic|megaly|rrhea|rrhoea|rrhage|rrhagic|uria|emic|otic|oma|olol|pril|sartan|statin|azole|cillin|mycin|floxacin` +
    String.raw`|cycline|parin|xaban|tidine|prazole|dipine|azepam|zepam|triptan|semide|thiazide|umab|ximab|tinib|ciclovir|conazole|profen|setron|mab|nib)$`,
  '',
)

/** Whether (and how) a word is plainly derived from a common one; `false` when it is not. */
function derivedSafe(l: Lexicons, w: string): boolean | 'compound' {
  // Shorthand without a vowel is an abbreviation (`drng`, `cvvh`, `snds`); names have vowels.
  if (!/[aeiouy]/.test(w)) return true
  if (w.length >= 7 && MEDICAL_ENDINGS.test(w)) return true
  // Hyphenated and slashed shorthand: every part common (`resp-ls`, `s/p`).
  const parts = w.split(/[-/]/).filter(Boolean)
  if (parts.length > 1) return parts.every((p) => isCommon(l, p) || p.length <= 2 || /^\d+$/.test(p))
  if (APOSTROPHE_ENDINGS.test(w) && isCommon(l, w.replace(APOSTROPHE_ENDINGS, ''))) return true
  // Held keys and stutters (`bbbbreath`, `SEEE`).
  const collapsed = w.replace(/(.)\1{2,}/g, '$1')
  if (collapsed !== w && (isCommon(l, collapsed) || isCommon(l, w.replace(/(.)\1{2,}/g, '$1$1')))) return true
  // Written without its vowels (`bldy`, `tday`, `snds`): the consonants of a common word, in order.
  if (w.length <= 7 && (w.match(/[aeiou]/g)?.length ?? 0) <= 1 && skeletons(l).has(skeleton(w))) return true
  for (const suffix of SUFFIXES) if (w.length >= suffix.length + 2 && w.endsWith(suffix) && isCommon(l, w.slice(0, -suffix.length))) return true
  if (w.length >= 4) {
    // Two common words run together (`flowsheet`, `painfree`, `mostof`).
    for (let i = 2; i <= w.length - 2; i++) {
      const head = w.slice(0, i)
      const tail = w.slice(i)
      if ((head.length >= 3 || isShort(l, head)) && (tail.length >= 3 || isShort(l, tail)) && isCommon(l, head) && isCommon(l, tail)) return 'compound'
    }
  }
  if (w.length >= 4 && isTruncation(l, w)) return true
  // Letters in the wrong order (`rthyhm`): the same letters as a common word.
  if (w.length >= 5 && anagrams(l).has(sortLetters(w))) return true
  // A misspelling: of any common word from five letters, of a clinical term from four (`perl` for `perrl`).
  if (w.length >= 5) return oneEdit(w, (x) => isCommon(l, x))
  return w.length === 4 && (oneEdit(w, (x) => l.clinical.has(x)) || swappedCommon(l, w) || droppedLetter(l, w))
}

/** A shortening of a longer common word (`cont` of `continue`, `abd` needs the clinical list). */
function isTruncation(l: Lexicons, w: string): boolean {
  const words = l.commonSorted
  let lo = 0
  let hi = words.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (words[mid]! < w) lo = mid + 1
    else hi = mid
  }
  for (let k = lo; k < words.length && k < lo + 50; k++) {
    const candidate = words[k]!
    if (!candidate.startsWith(w)) return false
    if (candidate.length >= w.length + 2) return true
  }
  return false
}

/** One letter left out (`goin` for `groin`): undone against words of five letters. */
function droppedLetter(l: Lexicons, w: string): boolean {
  for (let i = 0; i <= w.length; i++) for (const c of LETTERS) if (isCommon(l, w.slice(0, i) + c + w.slice(i))) return true
  return false
}

/** Two neighbouring letters swapped (`wtih`): the commonest typing slip, safe to undo even in short words. */
function swappedCommon(l: Lexicons, w: string): boolean {
  for (let i = 0; i + 1 < w.length; i++) if (isCommon(l, w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2))) return true
  return false
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
/** Two-letter words that run into their neighbours in hurried notes: little words and clinical ones (`ls`, `iv`). */
const SHORT_WORDS: ReadonlySet<string> = new Set('of to in on at by up as is it or an no'.split(' '))
const isShort = (_l: Lexicons, w: string) => w.length === 2 && SHORT_WORDS.has(w)

const sortLetters = (w: string) => [...w].sort().join('')
let anagramSet: Set<string> | undefined
/** The sorted letters of every common word of five letters or more, built on first use. */
function anagrams(l: Lexicons): ReadonlySet<string> {
  if (!anagramSet) {
    anagramSet = new Set()
    for (const w of l.commonSorted) if (w.length >= 5 && /^[a-z]+$/.test(w)) anagramSet.add(sortLetters(w))
  }
  return anagramSet
}

/** A word without its vowels after the first letter (`bloody` → `bldy`). */
const skeleton = (w: string) => w[0] + w.slice(1).replace(/[aeiou]/g, '')
let skeletonSet: Set<string> | undefined
/** The skeletons of the common words of up to eight letters, built on first use. */
function skeletons(l: Lexicons): ReadonlySet<string> {
  if (!skeletonSet) {
    skeletonSet = new Set()
    for (const w of l.commonSorted) if (w.length <= 8 && /^[a-z]+$/.test(w)) skeletonSet.add(skeleton(w))
  }
  return skeletonSet
}

/**
 * One deletion, insertion, substitution or swap of neighbours away from a word `known` accepts.
 * Inserted and substituted letters are the ones typists slip to: the keys next to the one meant,
 * the vowels, and the letters beside it in the word (a doubled letter). A third of the lookups of
 * trying all 26, which matters because a note's new words all pass through here once.
 */
function oneEdit(w: string, known: (x: string) => boolean): boolean {
  const n = w.length
  for (let i = 0; i < n; i++) {
    if (known(w.slice(0, i) + w.slice(i + 1))) return true
    if (i + 1 < n && known(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2))) return true
  }
  for (let i = 0; i <= n; i++) {
    const head = w.slice(0, i)
    const tail = w.slice(i)
    const rest = w.slice(i + 1)
    for (const c of slips(w[i - 1], w[i])) {
      if (known(head + c + tail)) return true
      if (i < n && c !== w[i] && known(head + c + rest)) return true
    }
  }
  return false
}

const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm']
/** The letters a typist may have meant or added near `a` and `b`: their keyboard neighbours, the vowels, themselves. */
function slips(a: string | undefined, b: string | undefined): string {
  let out = 'aeiouy'
  for (const ch of [a, b]) {
    if (!ch) continue
    out += ch
    for (const row of KEYBOARD) {
      const k = row.indexOf(ch)
      if (k >= 0) out += (row[k - 1] ?? '') + (row[k + 1] ?? '')
    }
  }
  return [...new Set(out)].join('')
}
