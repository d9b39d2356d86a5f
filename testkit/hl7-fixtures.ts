import { readFileSync } from 'node:fs'

/** A published example from fixtures/ (see its README), with HL7's CR segment separators. */
export const fixture = (name: 'medplum-adt-a01' | 'medplum-adt-a04' | 'medplum-oru-r01'): string =>
  readFileSync(new URL(`../test/hl7v2/fixtures/${name}.hl7`, import.meta.url), 'utf8')
    .replace(/\n$/, '')
    .replaceAll('\n', '\r')

/** A synthetic message (made for these tests, not published): segments given one per array entry. */
export const synthetic = (...segments: string[]): string => segments.join('\r')

/** The fixture with one segment's text replaced, or a header field edited (synthetic variants of a published message). */
export const withSegment = (message: string, name: string, segment: string): string =>
  message
    .split('\r')
    .map((s) => (s.startsWith(`${name}|`) ? segment : s))
    .join('\r')
