/**
 * Bytes of one MLLP frame → text, in the character set MSH-18 names (HL7 table 0211), else the
 * listener's default. Decoding is strict: a byte sequence that is not valid in that set is a
 * coded reject (`hl7.invalid_value` at MSH-18), never U+FFFD quietly written into a name.
 */
import { NexoraError } from '../../core/index.ts'
import { CHARSETS } from './codes.ts'
import './errors.ts'

/** The bytes up to the first CR or LF, one character per byte: enough to read MSH whatever the charset (all are ASCII-compatible there). */
export function headerLatin1(bytes: Uint8Array): string {
  let end = bytes.findIndex((b) => b === 0x0d || b === 0x0a)
  if (end < 0) end = bytes.length
  return String.fromCharCode(...bytes.subarray(0, Math.min(end, 8192)))
}

/** MSH-18's first repetition, as written (`UNICODE UTF-8`, `8859/1`), or '' when absent. */
export function declaredCharset(header: string): string {
  if (!header.startsWith('MSH') || header.length < 8) return ''
  const [field, , repetition] = [header[3]!, header[4]!, header[5]!]
  // MSH-n is the n-1th piece: MSH-1 is the separator itself.
  return (header.split(field)[17] ?? '').split(repetition)[0]!.trim()
}

/**
 * @param fallback the table 0211 name to use when MSH-18 is empty (default `UNICODE UTF-8`, which reads ASCII too)
 * @throws NexoraError `hl7.unsupported_charset` (MSH-18 names a set not supported), `hl7.invalid_value` (bytes invalid in the set)
 */
export function decodeHl7(bytes: Uint8Array, fallback = 'UNICODE UTF-8'): string {
  const name = declaredCharset(headerLatin1(bytes)) || fallback
  const label = CHARSETS[name.toUpperCase()]
  if (!label) throw new NexoraError('hl7.unsupported_charset', { detail: 'MSH-18', issues: [{ path: 'MSH-18', message: 'not supported' }] })
  const bad = () =>
    new NexoraError('hl7.invalid_value', { detail: 'MSH-18: bytes invalid in the character set', issues: [{ path: 'MSH-18', message: 'bytes' }] })
  if (label === 'ascii') {
    if (bytes.some((b) => b > 0x7f)) throw bad()
    return new TextDecoder('utf-8').decode(bytes)
  }
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw bad()
  }
}
