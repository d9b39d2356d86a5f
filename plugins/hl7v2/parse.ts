/**
 * Text → a parsed message, through Medplum's parser (`Hl7Message` of @medplum/core, the parser
 * @medplum/hl7's server uses too), loaded on first use: the HL7 feed is an optional part of Nexora.
 * Medplum splits on whatever sits at MSH-1..2 and trusts it; the checks here run first, so an empty
 * or alphanumeric delimiter, a bad segment id, a lone surrogate or NUL is a coded reject instead.
 */
import { importOptional, isStorableText, lazy, NexoraError } from '../../core/index.ts'
import './errors.ts'
import type { Hl7MessageLike } from './message.ts'

/**
 * Medplum's parser, loaded once (a failed load is retried on the next call).
 * @throws NexoraError `dependency.missing` when @medplum/core is not installed
 */
export const loadMedplum = lazy(() => importOptional('@medplum/core', () => import('@medplum/core'), 'the HL7 v2 feed'))

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/

const malformed = (path: string, what: string) => new NexoraError('hl7.malformed', { detail: `${path}: ${what}`, issues: [{ path, message: what }] })

/** The delimiter checks Medplum leaves out: five distinct, non-alphanumeric characters after `MSH`. */
export function checkEnvelope(text: string): void {
  if (!isStorableText(text)) {
    throw new NexoraError('hl7.invalid_value', { detail: 'text is not well-formed Unicode or holds NUL', issues: [{ path: 'MSH', message: 'text' }] })
  }
  if (!text.startsWith('MSH')) throw malformed('MSH', 'the message does not start with MSH')
  const delimiters = [...text.slice(3, 8)]
  if (delimiters.length < 5 || new Set(delimiters).size < 5 || delimiters.some((d) => /[A-Za-z0-9\s]/.test(d))) throw malformed('MSH-2', 'bad delimiters')
}

/**
 * Parse one message's text (segments separated by CR, LF or CRLF).
 * @throws NexoraError `hl7.malformed` (no MSH first, bad delimiters, a bad segment id), `hl7.invalid_value` (lone surrogate, NUL)
 * @example
 * const message = await parseHl7('MSH|^~\\&|LAB|…|ORU^R01|123|P|2.5.1\rPID|1||12345^^^HOSP^MR')
 */
export async function parseHl7(text: string): Promise<Hl7MessageLike> {
  const { Hl7Message } = await loadMedplum()
  return parseWith(Hl7Message, text)
}

/** The synchronous half of parseHl7, for callers that loaded Medplum already (the listener, once per start). */
export function parseWith(parser: { parse(text: string): Hl7MessageLike }, text: string): Hl7MessageLike {
  const trimmed = text.replace(/^[\r\n]+|[\r\n]+$/g, '')
  checkEnvelope(trimmed)
  const message = parser.parse(trimmed)
  for (const segment of message.segments) if (!SEGMENT_ID.test(segment.name)) throw malformed('segment', 'a segment id is not three letters or digits')
  return message
}
