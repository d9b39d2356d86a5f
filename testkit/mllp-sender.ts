import { connect, type Socket } from 'node:net'
import { createMllpDeframer, frame } from '../plugins/hl7v2/index.ts'

/** An MLLP sender on a real TCP socket: what it writes, and the ACKs (deframed, as text) it receives, in order. */
export interface TestSender {
  socket: Socket
  /** Bytes received so far (framed), to check nothing was written yet. */
  received: () => number
  send(text: string | Uint8Array): void
  write(bytes: Uint8Array): Promise<void>
  /** The next ACK, or a rejection when none comes within `ms`. */
  nextAck(ms?: number): Promise<string>
  closed: Promise<void>
  close(): void
}

export async function sender(port: number): Promise<TestSender> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const deframer = createMllpDeframer(1 << 20)
  const acks: string[] = []
  const waiters: ((ack: string) => void)[] = []
  let bytes = 0
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    for (const event of deframer.push(chunk)) {
      if (event.type !== 'message') continue
      const text = new TextDecoder().decode(event.bytes)
      const waiter = waiters.shift()
      if (waiter) waiter(text)
      else acks.push(text)
    }
  })
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return {
    socket,
    received: () => bytes,
    send: (text) => socket.write(frame(typeof text === 'string' ? new TextEncoder().encode(text) : text)),
    write: (chunk) => new Promise((resolve) => socket.write(chunk, () => resolve())),
    nextAck: (ms = 5_000) =>
      new Promise((resolve, reject) => {
        const queued = acks.shift()
        if (queued !== undefined) return resolve(queued)
        const timer = setTimeout(() => reject(new Error('no ACK')), ms)
        waiters.push((ack) => {
          clearTimeout(timer)
          resolve(ack)
        })
      }),
    closed,
    close: () => socket.destroy(),
  }
}

/** An ACK's fields: `field(ack, 'MSA', 2)` (HL7 numbering; MSH-3 is `field(ack, 'MSH', 3)`). */
export function field(ack: string, segment: string, index: number): string {
  const line = ack.split('\r').find((s) => s.startsWith(`${segment}|`))
  if (!line) return ''
  const parts = line.split('|')
  return (segment === 'MSH' ? parts[index - 1] : parts[index]) ?? ''
}
