import { before, span } from './span.ts'
import type { PhiSpan, PhiType } from './types.ts'
import { ibanValid } from './validators.ts'

/**
 * Identifiers written the way the rest of the world writes them (Safe Harbor still counts them):
 * international phone numbers (`+44 20 7946 0958`, or a national number after a phone word), UK
 * and Canadian postcodes, any postcode after a postcode word, IBANs (checked mod 97), sort codes
 * and routing numbers after their word, and street addresses that put the number after the
 * street (`Hauptstraße 5`, `Rue de Rivoli 10`, `Via Roma 12`).
 * @example
 * detectInternational('Tel +44 20 7946 0958, SW1A 1AA') // PHONE, ZIP
 */
export function detectInternational(text: string): PhiSpan[] {
  const out: PhiSpan[] = []
  let m: RegExpExecArray | null
  INTL_PHONE.lastIndex = 0
  while ((m = INTL_PHONE.exec(text))) {
    const digits = m[0].replace(/\D/g, '').length
    if (digits >= 8 && digits <= 15) out.push(span(m.index, m.index + m[0].length, 'PHONE', 0.85, 'pattern:phone-intl'))
  }
  NATIONAL_PHONE.lastIndex = 0
  while ((m = NATIONAL_PHONE.exec(text))) {
    const digits = m[0].replace(/\D/g, '').length
    if (digits >= 9 && digits <= 12 && PHONE_CUE.test(before(text, m.index, 24)))
      out.push(span(m.index, m.index + m[0].length, 'PHONE', 0.85, 'context:phone-national'))
  }
  for (const re of [UK_POSTCODE, CA_POSTCODE]) {
    re.lastIndex = 0
    while ((m = re.exec(text))) out.push(span(m.index, m.index + m[0].length, 'ZIP', 0.85, 'pattern:postcode'))
  }
  cued(text, POSTCODE_CUE, 'ZIP', 'context:postcode', out)
  IBAN.lastIndex = 0
  while ((m = IBAN.exec(text))) if (ibanValid(m[0])) out.push(span(m.index, m.index + m[0].trimEnd().length, 'ACCOUNT', 0.95, 'pattern:iban'))
  cued(text, BANK_CUE, 'ACCOUNT', 'context:bank', out)
  NUMBER_AFTER_STREET.lastIndex = 0
  if (STREET_WORD.test(text))
    while ((m = NUMBER_AFTER_STREET.exec(text))) out.push(span(m.index, m.index + m[0].length, 'ADDRESS', 0.85, 'pattern:address-intl'))
  return out
}

/** A cue word, then the identifier it names (the pattern's first group): the span is the identifier. */
function cued(text: string, re: RegExp, type: PhiType, detector: string, out: PhiSpan[]): void {
  re.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(text))) {
    const at = m.index + m[0].length - m[1]!.length
    out.push(span(at, at + m[1]!.length, type, 0.9, detector))
  }
}

const INTL_PHONE = /(?<![\w+])(?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(0\)\s?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}(?![\w-])/g
const NATIONAL_PHONE = /(?<![\w+])(?:\(?0\d{1,4}\)?[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}|\d{3}\/\d{3}\/\d{4})(?![\w-])/g
const PHONE_CUE = /\b(?:tel|telephone|phone|ph|mobile|mob|cell|call(?:ed)?|contact|fax|number|no\.?|#)\s*[:.#]?\s*$/i
// UK: outward code, space, inward code; the inward letters never use C, I, K, M, O or V (so `CO2 3MG` is no postcode).
const UK_POSTCODE = /\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b/g
const CA_POSTCODE = /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/g
// The cue word, then a separator: `bicarb` is no `bic`, and `CP` (chest pain) is no code postal.
const POSTCODE_CUE = /\b(?:post ?code|postal code|zip code|plz|code postal|eircode)(?:\s*[:#]\s*|\s+)((?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{2,9}[A-Z0-9])\b/gi
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g
const BANK_CUE = new RegExp(
  String.raw`\b(?:sort code|routing(?: number| no\.?)?|aba(?: number)?|bic|swift(?: code)?|bank account(?: number| no\.?)?|iban)(?:\s*[:#]\s*` +
    String.raw`|\s+)((?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{4,32}[A-Z0-9])\b`,
  'gi',
)
// A quick look for a street word first: the full pattern tries every capitalised word, and few notes hold a street.
const STREET_WORD = new RegExp(
  String.raw`(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|laan|straat|gracht|vej|gatan|gata),? \d|(?:Rue|Avenue|Boulevard|Bd|Chemin|Allée|Place` +
    String.raw`|Quai|Via|Viale|Corso|Piazza|Calle|Avenida|Av\.|Rua|Travessa|Paseo|Plaza|Carrer) `,
  '',
)
const NUMBER_AFTER_STREET = new RegExp(
  String.raw`\b(?:[A-ZÄÖÜ][\p{L}-]{2,}(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|laan|straat|gracht|vej|gatan|gata)` +
    String.raw`|(?:Rue|Avenue|Boulevard|Bd|Chemin|Allée|Place|Quai|Via|Viale|Corso|Piazza|Calle|Avenida|Av\.|Rua|Travessa|Paseo|Plaza|Carrer)` +
    String.raw`(?: (?:de la|de|du|des|del|della|di|da|do|dos|das|d'|l'))? [A-ZÀ-Ý][\p{L}'’-]+(?: [A-ZÀ-Ý][\p{L}'’-]+){0,3}),? \d{1,5}[a-c]?(?![\p{L}\d])`,
  'gu',
)
