/**
 * The shape of a parsed HL7 v2 message that the mapping reads: Medplum's `Hl7Message` fits it, so
 * the mapping stays pure and these declarations need no `@medplum/core` types. The accessors here
 * never throw on a short segment (Medplum's `getComponent` does past the last repetition).
 */
import { NexoraError } from '../../core/index.ts'
import './errors.ts'

export interface Hl7FieldLike {
  /** Repetitions, each a list of components (subcomponents stay joined by the subcomponent separator). */
  readonly components: readonly (readonly string[])[]
}

export interface Hl7SegmentLike {
  readonly name: string
  /** 1-based, as HL7 numbers fields (`PID-3` is `getField(3)`); MSH counts MSH-1 as the field separator. */
  getField(index: number): Hl7FieldLike | undefined
}

export interface Hl7MessageLike {
  readonly segments: readonly Hl7SegmentLike[]
  readonly context: {
    readonly fieldSeparator: string
    readonly componentSeparator: string
    readonly repetitionSeparator: string
    readonly escapeCharacter: string
    readonly subcomponentSeparator: string
  }
}

/** The repetitions of a field: each a list of raw (still escaped) components. */
export const repetitions = (segment: Hl7SegmentLike | undefined, field: number): readonly (readonly string[])[] => segment?.getField(field)?.components ?? []

/** One raw component (1-based) of one repetition; '' when absent. */
export const rawComponent = (segment: Hl7SegmentLike | undefined, field: number, component = 1, repetition = 0): string =>
  repetitions(segment, field)[repetition]?.[component - 1] ?? ''

/**
 * A component as text: escape sequences resolved, trimmed, and HL7's explicit null (`""`) read as
 * empty. Charset-switching escapes (\C..\, \M..\) and \Z..\ are left out, not guessed at.
 */
export function text(message: Hl7MessageLike, raw: string): string {
  const { escapeCharacter: e } = message.context
  if (raw === '""') return ''
  if (!e || !raw.includes(e)) return raw.trim()
  const quoted = e.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
  const sequence = new RegExp(`${quoted}(F|S|T|R|E|H|N|\\.br|X[0-9A-Fa-f]*|[CMZ][^${quoted}]*)${quoted}`, 'g')
  const { fieldSeparator: f, componentSeparator: s, subcomponentSeparator: t, repetitionSeparator: r } = message.context
  const unescaped = raw.replace(sequence, (_, seq: string) => {
    const simple: Record<string, string> = { F: f, S: s, T: t, R: r, E: e, '.br': '\n', H: '', N: '' }
    if (seq in simple) return simple[seq]!
    if (seq.startsWith('X')) return (seq.slice(1).match(/../g) ?? []).map((h) => String.fromCharCode(Number.parseInt(h, 16))).join('')
    return ''
  })
  return unescaped.trim()
}

/** Text of a component (1-based) of a field repetition. */
export const componentText = (message: Hl7MessageLike, segment: Hl7SegmentLike | undefined, field: number, component = 1, repetition = 0): string =>
  text(message, rawComponent(segment, field, component, repetition))

/** The subcomponents (1-based) of a raw component, as text. */
export const subcomponents = (message: Hl7MessageLike, raw: string): string[] =>
  raw.split(message.context.subcomponentSeparator).map((part) => text(message, part))

/** Where a problem is: `PID-3`, `MSH-18`, or a segment alone (`PV1`). Never a value. */
export const at = (segment: string, field?: number): string => (field === undefined ? segment : `${segment}-${field}`)

export const invalid = (path: string, what: string) => new NexoraError('hl7.invalid_value', { detail: `${path}: ${what}`, issues: [{ path, message: what }] })
export const missing = (path: string) => new NexoraError('hl7.required_missing', { detail: `${path} is empty`, issues: [{ path, message: 'required' }] })
