import { afterEach, describe, expect, it, vi } from 'vitest'
import { NexoraError } from '../../core/index.ts'
import type { Hl7Mapped } from '../../plugins/hl7v2/index.ts'
import { type MllpListener, type MllpListenerOptions, startMllpListener } from '../../plugins/hl7v2/node.ts'
import { field, sender } from '../../testkit/mllp-sender.ts'
import { fixture, synthetic } from '../../testkit/hl7-fixtures.ts'

const listeners: MllpListener[] = []
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()))
})

async function listen(options: Partial<MllpListenerOptions> = {}) {
  const accept = vi.fn<(mapped: Hl7Mapped, raw: string) => Promise<void>>(async () => {})
  const listener = await startMllpListener({ port: 0, accept, drainMs: 1_000, ...options })
  listeners.push(listener)
  return { listener, accept: (options.accept as typeof accept | undefined) ?? accept }
}

const bytes = (text: string) => new TextEncoder().encode(text)
const MSH = (type: string, id: string, extra = '') => `MSH|^~\\&|SND|SF|RCV|RF|20240101120000+0100||${type}|${id}|P|2.5.1${extra}`
const PID = 'PID|1||P-1^^^HOSP^MR||Roe^Richard||19700101|M'
const PV1 = 'PV1|1|I|W1^1^A|||||||||||||||||V-9'
const adt = (id: string) => synthetic(MSH('ADT^A01^ADT_A01', id), PID, PV1)

describe('startMllpListener: accepted messages (real TCP on 127.0.0.1)', () => {
  it('answers AA to each published example after accept, echoing MSH-10 and swapping sender and receiver', async () => {
    const { listener, accept } = await listen()
    const client = await sender(listener.port)
    for (const [name, id] of [
      ['medplum-adt-a01', 'MSG00001'],
      ['medplum-adt-a04', '1817457'],
      ['medplum-oru-r01', '123456'],
    ] as const) {
      client.send(fixture(name))
      const ack = await client.nextAck()
      expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2)]).toEqual(['AA', id])
      expect(ack).not.toContain('ERR|')
    }
    expect(accept).toHaveBeenCalledTimes(3)
    expect(accept.mock.calls.map(([m]) => [m.event, m.controlId, m.patientId])).toEqual([
      ['A01', 'MSG00001', 'PATID1234'],
      ['A04', '1817457', '454721'],
      ['R01', '123456', '123456789'],
    ])
    // The raw text handed over is the message as decoded.
    expect(accept.mock.calls[2]![1]).toBe(fixture('medplum-oru-r01'))
    client.send(fixture('medplum-oru-r01'))
    const ack = await client.nextAck()
    // LAB|1234^LAB^DNS → EHR|5678^EHR^DNS: the ACK goes back from EHR to LAB; version and processing id echoed.
    expect([3, 4, 5, 6, 9, 11, 12].map((i) => field(ack, 'MSH', i))).toEqual(['EHR', '5678^EHR^DNS', 'LAB', '1234^LAB^DNS', 'ACK^R01^ACK', 'P', '2.5.1'])
    expect(field(ack, 'MSH', 10)).toMatch(/^NX[0-9a-f]{18}$/)
    client.send(fixture('medplum-adt-a04'))
    expect(field(await client.nextAck(), 'MSH', 11)).toBe('D')
    client.close()
  })

  it('writes no ACK before accept resolves (durability), then AA', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const accept = vi.fn(() => gate)
    const { listener } = await listen({ accept })
    const client = await sender(listener.port)
    client.send(adt('D-1'))
    await vi.waitFor(() => expect(accept).toHaveBeenCalledTimes(1))
    await new Promise((r) => setTimeout(r, 150))
    expect(client.received()).toBe(0)
    release()
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2)]).toEqual(['AA', 'D-1'])
    client.close()
  })

  it('answers AE (resend) when accept rejects, with 207 and the failure code only', async () => {
    const accept = vi.fn(async () => {
      throw new NexoraError('storage.unavailable', { detail: 'db down for patient Roe' })
    })
    const { listener } = await listen({ accept })
    const client = await sender(listener.port)
    client.send(adt('E-1'))
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2)]).toEqual(['AE', 'E-1'])
    expect(field(ack, 'ERR', 3)).toBe('207^Application internal error^HL70357')
    expect(field(ack, 'ERR', 4)).toBe('E')
    expect(field(ack, 'ERR', 5)).toBe('storage.unavailable^^L')
    expect(ack).not.toMatch(/Roe|db down/)
    client.close()
  })

  it('answers AR when accept refuses with an hl7 reject code', async () => {
    const accept = vi.fn(async () => {
      throw new NexoraError('hl7.unsupported', { issues: [{ path: 'PID', message: 'x' }] })
    })
    const { listener } = await listen({ accept })
    const client = await sender(listener.port)
    client.send(adt('R-1'))
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'ERR', 2), field(ack, 'ERR', 5)]).toEqual(['AR', 'PID^1', 'hl7.unsupported^^L'])
    client.close()
  })

  it('serves two messages sent in one TCP write, in order', async () => {
    const { listener, accept } = await listen()
    const client = await sender(listener.port)
    const one = bytes(`\x0b${adt('T-1')}\x1c\r\x0b${adt('T-2')}\x1c\r`)
    await client.write(one)
    expect(field(await client.nextAck(), 'MSA', 2)).toBe('T-1')
    expect(field(await client.nextAck(), 'MSA', 2)).toBe('T-2')
    expect(accept.mock.calls.map(([m]) => m.controlId)).toEqual(['T-1', 'T-2'])
    client.close()
  })

  it('reassembles one message split over three TCP writes (the end block split too), after garbage before the start block', async () => {
    const { listener, accept } = await listen()
    const client = await sender(listener.port)
    const framed = bytes(`noise\r\n\x00\xff\x0b${adt('S-1')}\x1c\r`)
    const cut = [framed.length - 1, Math.floor(framed.length / 2), 10].sort((a, b) => a - b)
    await client.write(framed.subarray(0, cut[0]))
    await new Promise((r) => setTimeout(r, 30))
    await client.write(framed.subarray(cut[0], cut[1]))
    await new Promise((r) => setTimeout(r, 30))
    await client.write(framed.subarray(cut[1]))
    expect(field(await client.nextAck(), 'MSA', 2)).toBe('S-1')
    expect(accept).toHaveBeenCalledTimes(1)
    // The connection stays usable.
    client.send(adt('S-2'))
    expect(field(await client.nextAck(), 'MSA', 2)).toBe('S-2')
    client.close()
  })
})

describe('startMllpListener: rejected messages get AR and never reach accept', () => {
  it.each([
    ['no MSH', synthetic(PID, PV1), '', '100'],
    ['a truncated header', 'MSH|^~', '', '100'],
    ['a truncated message (cut before PV1)', synthetic(MSH('ADT^A01', 'C-1'), PID), 'C-1', '101'],
    ['a wrong version', synthetic(MSH('ADT^A01', 'C-2').replace('2.5.1', '2.1'), PID, PV1), 'C-2', '203'],
    ['an order message', synthetic(MSH('ORM^O01', 'C-3'), PID), 'C-3', '200'],
    ['ADT^A99', synthetic(MSH('ADT^A99', 'C-4'), PID, PV1), 'C-4', '201'],
    ['no PID-3', synthetic(MSH('ADT^A01', 'C-5'), 'PID|1||||Roe^R', PV1), 'C-5', '101'],
    ['MSH-18 UTF-16', synthetic(MSH('ADT^A01', 'C-6', '||||||UNICODE UTF-16'), PID, PV1), 'C-6', '103'],
  ])('%s', async (_, text, controlId, condition) => {
    const { listener, accept } = await listen()
    const client = await sender(listener.port)
    client.send(text)
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2), field(ack, 'ERR', 3).split('^')[0]]).toEqual(['AR', controlId, condition])
    expect(accept).not.toHaveBeenCalled()
    client.close()
  })

  it('answers binary junk in a frame with AR, and bytes outside a frame with nothing; the connection goes on', async () => {
    const { listener, accept } = await listen()
    const client = await sender(listener.port)
    const junk = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256).filter((b) => b !== 0x0b && b !== 0x1c)
    client.send(junk)
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2)]).toEqual(['AR', ''])
    await client.write(junk)
    client.send(adt('J-1'))
    expect(field(await client.nextAck(), 'MSA', 2)).toBe('J-1')
    expect(accept.mock.calls.map(([m]) => m.controlId)).toEqual(['J-1'])
    client.close()
  })

  it('refuses a frame over maxMessageBytes with AR 104 and closes the connection', async () => {
    const { listener, accept } = await listen({ maxMessageBytes: 2_000 })
    const client = await sender(listener.port)
    client.send(synthetic(MSH('ORU^R01', 'BIG-1'), PID, `OBX|1|TX|1^x^LN||${'x'.repeat(5_000)}||||||F`))
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2), field(ack, 'ERR', 3).split('^')[0], field(ack, 'ERR', 5)]).toEqual([
      'AR',
      'BIG-1',
      '104',
      'hl7.too_large^^L',
    ])
    await client.closed
    expect(accept).not.toHaveBeenCalled()
  })

  it('decodes MSH-18 8859/1, and refuses bytes invalid in the declared set (102) rather than replacing them', async () => {
    const { listener, accept } = await listen()
    const client = await sender(listener.port)
    const latin = (name: string, id: string, charset: string) => {
      const text = synthetic(MSH('ADT^A01', id, `||||||${charset}`), `PID|1||P-1||${name}^R`, PV1)
      return Uint8Array.from([...text].map((c) => c.charCodeAt(0)))
    }
    client.send(latin('René', 'L-1', '8859/1'))
    expect(field(await client.nextAck(), 'MSA', 1)).toBe('AA')
    expect(accept.mock.calls[0]![0].resources[0]!.name).toEqual([{ family: 'René', given: ['R'] }])
    client.send(latin('René', 'L-2', 'UNICODE UTF-8'))
    const ack = await client.nextAck()
    expect([field(ack, 'MSA', 1), field(ack, 'MSA', 2), field(ack, 'ERR', 2), field(ack, 'ERR', 3).split('^')[0]]).toEqual(['AR', 'L-2', 'MSH^1^18', '102'])
    expect(accept).toHaveBeenCalledTimes(1)
    client.close()
  })
})

describe('startMllpListener: lifecycle', () => {
  it('close() lets the message in hand be answered, then stops listening', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const accept = vi.fn(() => gate)
    const listener = await startMllpListener({ port: 0, accept, drainMs: 2_000 })
    const client = await sender(listener.port)
    client.send(adt('Z-1'))
    await vi.waitFor(() => expect(accept).toHaveBeenCalled())
    const closing = listener.close()
    release()
    expect(field(await client.nextAck(), 'MSA', 2)).toBe('Z-1')
    await closing
    await expect(sender(listener.port)).rejects.toThrow()
  })

  it('refuses a nonsensical size limit with config.invalid', async () => {
    await expect(startMllpListener({ port: 0, accept: async () => {}, maxMessageBytes: 0 })).rejects.toMatchObject({ code: 'config.invalid' })
  })
})
