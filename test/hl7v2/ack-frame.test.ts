import { describe, expect, it } from 'vitest'
import { NexoraError } from '../../core/index.ts'
import { buildAck, createMllpDeframer, parseHl7 } from '../../plugins/hl7v2/index.ts'
import { fixture, synthetic } from '../../testkit/hl7-fixtures.ts'

const noPatient = new NexoraError('hl7.no_patient', { issues: [{ path: 'PID-3', message: 'required' }] })
const now = new Date('2024-05-06T07:08:09Z')

describe('buildAck (original mode)', () => {
  it('builds MSH (swapped), MSA and an ERR with the 0357 code, location and Nexora code', async () => {
    const ack = buildAck(await parseHl7(fixture('medplum-adt-a01')), 'AR', { error: noPatient, now }).split('\r')
    expect(ack[0]).toMatch(/^MSH\|\^~\\&\|LABADT\|MCM\|ADT1\|MCM\|20240506070809\+0000\|\|ACK\^A01\^ACK\|NX[0-9a-f]{18}\|P\|2\.5\.1$/)
    expect(ack.slice(1)).toEqual(['MSA|AR|MSG00001', 'ERR||PID^1^3|101^Required field missing^HL70357|E|hl7.no_patient^^L'])
  })

  it('uses ERR-1 (ELD) for v2.3 and v2.4 senders, which know no ERR-2..5', async () => {
    const message = await parseHl7(synthetic('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|V24|P|2.4', 'PID|1||'))
    expect(buildAck(message, 'AR', { error: noPatient }).split('\r')[2]).toBe('ERR|PID^1^3^101&Required field missing&HL70357')
  })

  it("answers in the sender's own delimiters, escaping them in its words", async () => {
    const message = await parseHl7(synthetic('MSH#.~\\_#APP#FAC#NX#NXF#20240101##ADT.A01#K.1#P#2.5.1'))
    const ack = buildAck(message, 'AE', { error: new NexoraError('storage.unavailable') }).split('\r')
    expect(ack[0]).toMatch(/^MSH#\.~\\_#NX#NXF#APP#FAC#/)
    expect(ack[1]).toBe('MSA#AE#K.1')
    // "storage.unavailable": the '.' is the component separator here, so it is escaped as \S\.
    expect(ack[2]).toBe('ERR###207.Application internal error.HL70357#E#storage\\S\\unavailable..L')
  })

  it('says UTF-8 in MSH-18 when an echoed name is not ASCII, and uses defaults when no MSH could be read', async () => {
    const message = await parseHl7(synthetic('MSH|^~\\&|Lab®|F|R|RF|20240101||ORU^R01|U-1|P|2.5.1'))
    expect(buildAck(message, 'AA').split('\r')[0]).toMatch(/\|P\|2\.5\.1\|\|\|\|\|\|UNICODE UTF-8$/)
    const blind = buildAck(undefined, 'AR', { error: new NexoraError('hl7.malformed', { issues: [{ path: 'MSH', message: 'x' }] }) }).split('\r')
    expect(blind[0]).toMatch(/^MSH\|\^~\\&\|\|\|\|\|\d{14}\+0000\|\|ACK\|NX[0-9a-f]{18}\|P\|2\.5\.1$/)
    expect(blind.slice(1)).toEqual(['MSA|AR|', 'ERR||MSH^1|100^Segment sequence error^HL70357|E|hl7.malformed^^L'])
  })

  it('gives every ACK its own control id', async () => {
    const message = await parseHl7(fixture('medplum-adt-a04'))
    const ids = new Set(Array.from({ length: 200 }, () => buildAck(message, 'AA').split('\r')[0]!.split('|')[9]))
    expect(ids.size).toBe(200)
  })
})

describe('MLLP deframer', () => {
  const enc = (s: string) => new TextEncoder().encode(s)
  const dec = (b: Uint8Array) => new TextDecoder().decode(b)

  it('drops an unfinished frame when a new start block arrives, and bytes between frames', () => {
    const d = createMllpDeframer(1_000)
    const events = [...d.push(enc('xx\x0bPARTIAL')), ...d.push(enc('\x0bWHOLE\x1c\rjunk\x0bNEXT\x1c')), ...d.push(enc('\r'))]
    expect(events.map((e) => (e.type === 'message' ? dec(e.bytes) : e.type))).toEqual(['WHOLE', 'NEXT'])
  })

  it('reports an over-limit frame once, with its head, and reads nothing after it', () => {
    const d = createMllpDeframer(10)
    const first = d.push(enc('\x0bMSH|0123456789'))
    expect(first).toHaveLength(1)
    expect(first[0]!.type).toBe('too_large')
    expect(dec((first[0] as { head: Uint8Array }).head)).toBe('MSH|0123456789')
    expect(d.push(enc('\x1c\r\x0bOK\x1c\r'))).toEqual([])
  })
})
