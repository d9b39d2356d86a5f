import { fakerDE, fakerEN_US, fakerES, fakerIT, type Faker } from '@faker-js/faker'
import { FIRST_NAMES, LAST_NAMES } from '../../plugins/phi/dictionaries/names.ts'
import { CITIES, STATE_ABBR, STATES } from '../../plugins/phi/dictionaries/places.ts'
import { COMMON_WORD_NAMES } from '../../plugins/phi/lexicon.ts'

const KNOWN = new Set(
  [...FIRST_NAMES, ...LAST_NAMES].map((n) => n.toLowerCase()).filter((n) => !COMMON_WORD_NAMES.has(n) && !STATES.some((s) => s.toLowerCase() === n)),
)
const ascii = (x: string) => /^[A-Z][a-z]+$/.test(x)

/**
 * Seeded value generators for the corpus. Names come from faker's full en lists (which include the
 * 10% held out of the detector dictionary) and from de/es/it locales (never in the dictionary).
 * @example
 * const v = new Values(42); v.first() // 'Maribel'
 */
export class Values {
  readonly f: Faker = fakerEN_US
  private foreign: Faker[] = [fakerDE, fakerES, fakerIT]
  constructor(seed: number) {
    for (const f of [this.f, ...this.foreign]) f.seed(seed)
  }
  int(a: number, b: number): number {
    return this.f.number.int({ min: a, max: b })
  }
  pick<T>(xs: readonly T[]): T {
    return this.f.helpers.arrayElement(xs as T[])
  }
  chance(p: number): boolean {
    return this.f.number.float({ min: 0, max: 1 }) < p
  }
  /** A first name: 75% en (incl. held-out), 25% other locales. */
  first(): string {
    return this.name(
      () => this.f.person.firstName(),
      (g) => g.person.firstName(),
      0.25,
    )
  }
  last(): string {
    return this.name(
      () => this.f.person.lastName(),
      (g) => g.person.lastName(),
      0.25,
    )
  }
  private name(en: () => string, other: (g: Faker) => string, pOther: number): string {
    for (let k = 0; k < 20; k++) {
      const x = this.chance(pOther) ? other(this.pick(this.foreign)) : en()
      if (ascii(x)) return x
    }
    return 'Okafor'
  }
  /**
   * Full name (no cue) where at least one token is an unambiguous dictionary name: a bare name with
   * neither is undetectable by design, so the corpus does not claim recall on it.
   */
  bareFullName(): string {
    for (;;) {
      const a = this.first()
      const b = this.last()
      if (KNOWN.has(a.toLowerCase()) || KNOWN.has(b.toLowerCase())) return `${a} ${b}`
    }
  }
  unseen(name: string): boolean {
    return !KNOWN.has(name.toLowerCase())
  }
  city(): string {
    return this.pick(CITIES)
  }
  generatedCity(): string {
    return this.f.location.city()
  }
  state(): string {
    return this.chance(0.7) ? this.pick(STATE_ABBR) : this.pick(STATES)
  }
  zip(): string {
    return this.chance(0.8) ? String(this.int(10000, 99999)) : `${this.int(10000, 99999)}-${this.int(1000, 9999)}`
  }
  street(): string {
    return `${this.int(1, 9999)} ${this.f.location.street()}`
  }
  unit(): string {
    return this.pick(['Apt 4B', `Apt. ${this.int(1, 999)}`, `Suite ${this.int(100, 999)}`, `Unit ${this.int(1, 40)}`])
  }
  phone(): string {
    const a = `${this.int(2, 9)}${this.int(0, 9)}${this.int(0, 9)}`
    const b = `${this.int(2, 9)}${this.int(10, 99)}`
    const c = String(this.int(0, 9999)).padStart(4, '0')
    return this.pick([
      `(${a}) ${b}-${c}`,
      `${a}-${b}-${c}`,
      `${a}.${b}.${c}`,
      `+1 ${a} ${b} ${c}`,
      `+1-${a}-${b}-${c}`,
      `${a}-${b}-${c} ext. ${this.int(1, 999)}`,
      `(${a}) ${b}-${c} x${this.int(10, 9999)}`,
    ])
  }
  ssn(): string {
    let area: number
    do area = this.int(1, 899)
    while (area === 666)
    return `${String(area).padStart(3, '0')}-${String(this.int(1, 99)).padStart(2, '0')}-${String(this.int(1, 9999)).padStart(4, '0')}`
  }
  mrn(): string {
    return this.pick([String(this.int(1000000, 99999999)), `A${this.int(100000, 9999999)}`, `MR-${this.int(10000, 999999)}`])
  }
  card(): string {
    const d = [4, ...Array.from({ length: 14 }, () => this.int(0, 9))]
    let sum = 0
    for (let i = 0; i < 15; i++) {
      let x = d[14 - i] as number
      if (i % 2 === 0) {
        x *= 2
        if (x > 9) x -= 9
      }
      sum += x
    }
    const all = [...d, (10 - (sum % 10)) % 10].join('')
    return this.chance(0.5) ? all : all.replace(/(\d{4})(?=\d)/g, '$1 ')
  }
  date(): string {
    const y = this.int(1930, 2024)
    const mo = this.int(1, 12)
    const d = this.int(1, 28)
    const M = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][mo - 1] as string
    const p2 = (n: number) => String(n).padStart(2, '0')
    return this.pick([
      `${p2(mo)}/${p2(d)}/${y}`,
      `${mo}/${d}/${y}`,
      `${mo}/${d}/${String(y).slice(2)}`,
      `${y}-${p2(mo)}-${p2(d)}`,
      `${M} ${d}, ${y}`,
      `${d} ${M.slice(0, 3)} ${y}`,
      `${M.slice(0, 3)}. ${d}, ${y}`,
      `${mo}-${d}-${y}`,
      `${d}th of ${M}`,
    ])
  }
  partialDate(): string {
    const mo = this.int(1, 12)
    const M = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][mo - 1] as string
    return this.pick([`${M} ${this.int(2000, 2024)}`, `${mo}/${this.int(1, 28)}`, `${M} ${this.int(1, 28)}`])
  }
  hospital(): string {
    return this.pick([
      `${this.last()} Memorial Hospital`,
      `St. ${this.first()}'s Hospital`,
      `${this.city()} Medical Center`,
      `${this.last()} Family Clinic`,
      `Mount ${this.last()} Hospital`,
    ])
  }
  email(): string {
    return this.f.internet.email().toLowerCase()
  }
  url(): string {
    return this.pick([
      `https://portal.${this.f.internet.domainName()}/patient/${this.int(1000, 99999)}`,
      `www.${this.f.internet.domainName()}`,
      `http://${this.f.internet.domainName()}/~${this.f.internet.username()}`,
    ])
  }
  ip(): string {
    return this.pick([this.f.internet.ipv4(), this.f.internet.ipv4(), this.f.internet.ipv6(), `2001:db8::${this.int(1, 9999).toString(16)}`])
  }
  alnum(n: number): string {
    return this.f.string.alphanumeric({ length: n, casing: 'upper' }).replace(/^[^0-9]*/, (p) => p) + String(this.int(0, 9))
  }
}
