/**
 * Original-mode acknowledgements (HL7 v2 chapter 2): AA once the message is durably accepted, AE
 * when accepting failed and the sender should resend, AR when the message can never be processed.
 * The ACK's MSH swaps the sender and receiver, echoes the version and processing id, and MSA-2
 * echoes MSH-10. An error carries codes only (HL7 table 0357 in ERR-3, Nexora's code in ERR-5):
 * nothing of the message's content goes back, since an ACK ends up in interface-engine logs.
 */
import { NexoraError } from '../../core/index.ts'
import { CONDITION, INTERNAL_CONDITION, isRejectCode } from './conditions.ts'
import { componentText, type Hl7FieldLike, type Hl7MessageLike, type Hl7SegmentLike } from './message.ts'

export type AckCode = 'AA' | 'AE' | 'AR'

export interface AckOptions {
  /** What went wrong, for AE and AR: its code (and `issues[0].path`, the field) becomes the ERR segment. */
  error?: unknown
  /** The ACK's own MSH-7. Default: now. */
  now?: Date
}

const DEFAULT = { fieldSeparator: '|', componentSeparator: '^', repetitionSeparator: '~', escapeCharacter: '\\', subcomponentSeparator: '&' }
const LOCATION = /^([A-Z][A-Z0-9]{2})(?:-(\d+))?$/

/** `YYYYMMDDHHMMSS+0000`. */
const hl7Now = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`

/** A control id of 20 characters (MSH-10's length in v2.5.1), random so two ACKs in one millisecond never share one. */
function newControlId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return `NX${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** A field as it arrived (escapes kept), in the received message's delimiters. */
function raw(message: Hl7MessageLike | undefined, segment: Hl7SegmentLike | undefined, index: number): string {
  const field: Hl7FieldLike | undefined = segment?.getField(index)
  if (!field || !message) return ''
  const { componentSeparator: c, repetitionSeparator: r } = message.context
  return field.components.map((rep) => rep.join(c)).join(r)
}

/** The error's code as the ERR segment reports it, and the segment/field it points at. */
function describe(error: unknown): { code: string; condition: readonly [string, string]; segment?: string; field?: string } {
  const code = error instanceof NexoraError ? error.code : 'internal'
  const where = error instanceof NexoraError ? LOCATION.exec(error.issues?.[0]?.path ?? '') : null
  return { code, condition: isRejectCode(code) ? CONDITION[code] : INTERNAL_CONDITION, segment: where?.[1], field: where?.[2] }
}

/**
 * The ACK for a received message, as HL7 text (segments joined by CR, no MLLP framing).
 * `received` is undefined when not even an MSH could be read: the ACK then uses the default
 * delimiters and MSA-2 stays empty.
 * @example
 * buildAck(message, 'AR', { error: new NexoraError('hl7.no_patient', { issues: [{ path: 'PID-3', message: 'required' }] }) })
 * // MSH|^~\&|…|ACK^A01^ACK|…\rMSA|AR|MSG00001\rERR||PID^1^3|101^Required field missing^HL70357|E|hl7.no_patient^^L
 */
export function buildAck(received: Hl7MessageLike | undefined, ack: AckCode, options: AckOptions = {}): string {
  const msh = received?.segments[0]?.name === 'MSH' ? received.segments[0] : undefined
  const ctx = msh && received ? received.context : DEFAULT
  const { fieldSeparator: f, componentSeparator: c } = ctx
  const version = msh ? componentText(received!, msh, 12) : ''
  const safeVersion = /^\d+(\.\d+){0,2}$/.test(version) ? version : '2.5.1'
  const event = msh ? componentText(received!, msh, 9, 2) : ''
  // v2.3.1 added MSG.3 (message structure); older versions name the type and event only.
  const legacy = /^2\.(1|2|3)$/.test(safeVersion)
  const type = !event || !/^[A-Z0-9]{3}$/.test(event) ? 'ACK' : legacy ? `ACK${c}${event}` : `ACK${c}${event}${c}ACK`
  const processing = msh ? componentText(received!, msh, 11, 1) : ''
  const encoding = `${ctx.componentSeparator}${ctx.repetitionSeparator}${ctx.escapeCharacter}${ctx.subcomponentSeparator}`
  const header = [
    `MSH${f}${encoding}`,
    raw(received, msh, 5),
    raw(received, msh, 6),
    raw(received, msh, 3),
    raw(received, msh, 4),
    hl7Now(options.now ?? new Date()),
    '',
    type,
    newControlId(),
    /^[PTD]$/.test(processing) ? processing : 'P',
    safeVersion,
  ]
  const segments = [header, ['MSA', ack, raw(received, msh, 10)]]
  if (ack !== 'AA') segments.push(errSegment(options.error, safeVersion, ctx))
  let text = segments.map((s) => s.join(f)).join('\r')
  // Echoed application names may hold non-ASCII text: say which encoding the bytes are in (the listener writes UTF-8).
  if (/[^\x20-\x7e\r]/.test(text)) {
    header.push('', '', '', '', '', 'UNICODE UTF-8')
    text = segments.map((s) => s.join(f)).join('\r')
  }
  return text
}

/** Our own words (codes, table displays) with any character the sender chose as a delimiter escaped. */
function escaped(text: string, ctx: typeof DEFAULT): string {
  const e = ctx.escapeCharacter
  const name = new Map([
    [e, 'E'],
    [ctx.fieldSeparator, 'F'],
    [ctx.componentSeparator, 'S'],
    [ctx.subcomponentSeparator, 'T'],
    [ctx.repetitionSeparator, 'R'],
  ])
  return [...text].map((ch) => (name.has(ch) ? `${e}${name.get(ch)}${e}` : ch)).join('')
}

function errSegment(error: unknown, version: string, ctx: typeof DEFAULT): string[] {
  const { componentSeparator: c, subcomponentSeparator: s } = ctx
  const { code, condition, segment, field } = describe(error)
  const [number, display] = [escaped(condition[0], ctx), escaped(condition[1], ctx)]
  // v2.3 and v2.4 know only ERR-1 (ELD: segment^sequence^field^code&text&system).
  if (/^2\.(3|3\.1|4)$/.test(version)) {
    return ['ERR', [segment ?? '', segment ? '1' : '', field ?? '', [number, display, 'HL70357'].join(s)].join(c)]
  }
  const location = segment ? [segment, '1', ...(field ? [field] : [])].join(c) : ''
  return ['ERR', '', location, [number, display, 'HL70357'].join(c), 'E', [escaped(code, ctx), '', 'L'].join(c)]
}
