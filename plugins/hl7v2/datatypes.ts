/**
 * HL7 v2 data types → FHIR data types, per the v2-to-FHIR IG's data-type maps: CX → Identifier,
 * HD → a system URI, CWE/CE → CodeableConcept, and a FHIR id made from an identifier value.
 */
import type { CodeableConcept, Coding, Identifier } from 'fhir/r4.js'
import { codingSystem } from './codes.ts'
import { type Hl7MessageLike, subcomponents, text } from './message.ts'

export interface DatatypeOptions {
  /** Assigning-authority namespaces (HD.1) → a system URI, for authorities sent without a universal id (HD.2). */
  assigningAuthorities?: Readonly<Record<string, string>>
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SCHEME = /^[a-z][a-z0-9+.-]*:\S+$/i

/**
 * HD → Identifier.system: the universal id as a URI (`urn:oid:` for ISO, `urn:uuid:` for UUID, a URI
 * as it is), else the namespace through `assigningAuthorities`, else the namespace itself: the IG
 * leaves namespace → URI to a local table, and the namespace is what the sender means by it.
 */
export function authoritySystem(message: Hl7MessageLike, raw: string, options: DatatypeOptions): string | undefined {
  const [namespace = '', universal = '', kind = ''] = subcomponents(message, raw)
  const type = kind.toUpperCase()
  if (universal && type === 'ISO' && OID.test(universal)) return `urn:oid:${universal}`
  if (universal && type === 'UUID' && UUID.test(universal)) return `urn:uuid:${universal.toLowerCase()}`
  if (universal && SCHEME.test(universal)) return universal
  if (namespace) return options.assigningAuthorities?.[namespace] ?? namespace
  return undefined
}

/** CX (one repetition's components) → Identifier: CX.1 value, CX.4 system, CX.5 type (table 0203). */
export function identifier(message: Hl7MessageLike, cx: readonly string[] | undefined, options: DatatypeOptions): Identifier | undefined {
  const value = text(message, cx?.[0] ?? '')
  if (!value) return undefined
  const system = authoritySystem(message, cx?.[3] ?? '', options)
  const type = text(message, cx?.[4] ?? '')
  return {
    ...(type ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: type }] } } : {}),
    ...(system ? { system } : {}),
    value,
  }
}

function coding(message: Hl7MessageLike, code: string, display: string, system: string): Coding | undefined {
  const [c, d, s] = [text(message, code), text(message, display), codingSystem(text(message, system))]
  if (!c) return undefined
  return { ...(s ? { system: s } : {}), code: c, ...(d ? { display: d } : {}) }
}

/** CWE/CE/CNE → CodeableConcept: the identifier triplet, the alternate triplet, and CWE.9 (original text) or the first display as text. */
export function codeableConcept(message: Hl7MessageLike, cwe: readonly string[] | undefined): CodeableConcept | undefined {
  const c = (i: number) => cwe?.[i] ?? ''
  const codings = [coding(message, c(0), c(1), c(2)), coding(message, c(3), c(4), c(5))].filter((x): x is Coding => x !== undefined)
  const original = text(message, c(8)) || (codings.length === 0 ? text(message, c(1)) : '')
  if (codings.length === 0 && !original) return undefined
  return { ...(codings.length ? { coding: codings } : {}), ...(original ? { text: original } : {}) }
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/

/**
 * A FHIR id (`[A-Za-z0-9\-.]{1,64}`) for an identifier value: the value itself when it already is
 * one; otherwise its runs of other characters become `-`, and a hash of the whole value is appended
 * so two values that differ only there (`12/34`, `12 34`) never share an id.
 */
export function fhirId(value: string): string {
  if (FHIR_ID.test(value)) return value
  return `${value.replace(/[^A-Za-z0-9\-.]+/g, '-').slice(0, 55)}.${fnv1a(value)}`
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable, synchronous (the mapping stays pure and sync). */
function fnv1a(value: string): string {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(value)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return hash.toString(16).padStart(8, '0')
}
