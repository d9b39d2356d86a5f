/**
 * The MLLP listener (Node: node:net). Framing is ours (mllp-frame.ts) rather than Medplum's
 * Hl7Connection, which takes a TCP chunk ending in <FS><CR> as exactly one whole message: two
 * messages in one packet, bytes before <VT> or an end block split across packets break it, and it
 * has no size limit. Parsing is Medplum's. Each connection is served in order, one message at a
 * time, and the ACK is written only after `accept` settled: AA once it resolved (the message is
 * durable, the sender may forget it), AE when it rejected (the sender resends), AR, without calling
 * `accept`, for a message that can never be processed.
 */
import { createServer, type Socket } from 'node:net'
import { type Logger, NexoraError, toNexoraError } from '../../core/index.ts'
import { type AckCode, buildAck } from './ack.ts'
import { decodeHl7, headerLatin1 } from './decode.ts'
import { isRejectCode } from './conditions.ts'
import { type Hl7MapOptions, type Hl7Mapped, hl7ToFhir } from './map.ts'
import type { Hl7MessageLike } from './message.ts'
import { createMllpDeframer, frame } from './mllp-frame.ts'
import { loadMedplum, parseWith } from './parse.ts'

export interface MllpListenerOptions extends Hl7MapOptions {
  /** TCP port; 0 picks a free one (read it from the result). */
  port: number
  /** Default 127.0.0.1: exposing the feed to a network is a decision to write down, not a default. */
  host?: string
  /**
   * Take a mapped message durably (enqueue the re-score job, in a committed transaction). The ACK
   * waits for it: resolve only once the message survives a crash. Rejecting sends AE (resend);
   * throwing a NexoraError with an `hl7.*` reject code sends AR instead. `raw` is the decoded text.
   */
  accept: (mapped: Hl7Mapped, raw: string) => Promise<unknown> | unknown
  /** The largest frame accepted; a larger one gets an AR (0357 code 104) and the connection is closed. Default 1 MiB. */
  maxMessageBytes?: number
  /** HL7 table 0211 name used when MSH-18 is empty. Default `UNICODE UTF-8` (which reads ASCII too). */
  charset?: string
  /** Default 64. */
  maxConnections?: number
  /** How long close() lets a connection finish the message in hand before cutting it. Default 10 s. */
  drainMs?: number
  /** Events and codes only (`hl7.accepted`, `hl7.rejected` with `code`): never a field of a message. */
  logger?: Logger
}

export interface MllpListener {
  /** The bound port (the real one when 0 was asked for). */
  port: number
  /** Stop accepting connections, let each finish the message in hand (up to drainMs), then close. */
  close(): Promise<void>
}

/** Frames a connection may have waiting for `accept` before it stops reading (TCP back-pressure does the rest). */
const MAX_QUEUED = 16
const encoder = new TextEncoder()

/**
 * Listen for HL7 v2 over MLLP and hand each accepted message to `accept`.
 * @throws NexoraError `dependency.missing` when @medplum/core is not installed, `config.invalid` for a bad limit
 * @example
 * const feed = await startMllpListener({ port: 2575, accept: (mapped) => jobs.enqueue('rescore', mapped, { key: mapped.controlId }) })
 * // …
 * await feed.close()
 */
export async function startMllpListener(options: MllpListenerOptions): Promise<MllpListener> {
  const { Hl7Message } = await loadMedplum()
  const maxBytes = options.maxMessageBytes ?? 1 << 20
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 16) throw new NexoraError('config.invalid', { detail: 'maxMessageBytes must be an integer ≥ 16' })
  const { logger, accept } = options
  const connections = new Set<{ socket: Socket; idle: () => boolean; queue: Promise<void> }>()
  let closing = false

  const reply = (socket: Socket, ack: string) => {
    if (!socket.destroyed && socket.writable) socket.write(frame(encoder.encode(ack)))
  }
  /** The MSH alone, for the ACK of a frame that could not be decoded or parsed whole. */
  const headerOf = (bytes: Uint8Array): Hl7MessageLike | undefined => {
    try {
      return parseWith(Hl7Message, headerLatin1(bytes))
    } catch {
      return undefined
    }
  }
  const nack = (socket: Socket, received: Hl7MessageLike | undefined, error: unknown) => {
    const code = toNexoraError(error).code
    const ack: AckCode = isRejectCode(code) ? 'AR' : 'AE'
    reply(socket, buildAck(received, ack, { error }))
    if (ack === 'AR') logger?.warn('hl7.rejected', { code })
    else logger?.error('hl7.accept_failed', { code })
  }

  async function handle(socket: Socket, bytes: Uint8Array): Promise<void> {
    let received: Hl7MessageLike | undefined
    let mapped: Hl7Mapped
    let text: string
    try {
      text = decodeHl7(bytes, options.charset)
      received = parseWith(Hl7Message, text)
      mapped = hl7ToFhir(received, options)
    } catch (error) {
      return nack(socket, received ?? headerOf(bytes), error)
    }
    try {
      await accept(mapped, text)
    } catch (error) {
      return nack(socket, received, error)
    }
    reply(socket, buildAck(received, 'AA'))
    logger?.info('hl7.accepted', { code: 'AA' })
  }

  function serve(socket: Socket) {
    const deframer = createMllpDeframer(maxBytes)
    let pending = 0
    const connection = { socket, idle: () => pending === 0, queue: Promise.resolve() }
    connections.add(connection)
    const enqueue = (work: () => Promise<void> | void) => {
      pending++
      if (pending >= MAX_QUEUED) socket.pause()
      connection.queue = connection.queue
        .then(work)
        .catch((error) => logger?.error('hl7.listener_error', { code: toNexoraError(error).code }))
        .finally(() => {
          pending--
          if (pending < MAX_QUEUED && !closing) socket.resume()
        })
    }
    socket.setNoDelay(true)
    socket.on('error', (error: NodeJS.ErrnoException) => logger?.warn('hl7.connection_error', { code: error.code ?? 'unknown' }))
    socket.on('close', () => connections.delete(connection))
    // The peer may half-close after its last message: answer what is queued, then close our side.
    socket.on('end', () => enqueue(() => void socket.end()))
    socket.on('data', (chunk: Buffer) => {
      if (closing) return
      for (const event of deframer.push(chunk)) {
        if (event.type === 'message') {
          enqueue(() => handle(socket, event.bytes))
          continue
        }
        logger?.warn('hl7.rejected', { code: 'hl7.too_large' })
        const error = new NexoraError('hl7.too_large', { detail: `frame over ${maxBytes} bytes` })
        enqueue(() => {
          reply(socket, buildAck(headerOf(event.head), 'AR', { error }))
          socket.end()
          // Keep reading (and dropping) so no unread bytes turn our FIN into a reset that loses the AR.
          socket.resume()
          setTimeout(() => socket.destroy(), 5_000).unref()
        })
      }
    })
  }

  const server = createServer({ allowHalfOpen: true }, serve)
  server.maxConnections = options.maxConnections ?? 64
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error: NodeJS.ErrnoException) => logger?.error('hl7.listener_error', { code: error.code ?? 'unknown' }))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port

  return {
    port,
    async close() {
      if (closing) return
      closing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const c of connections) {
        c.socket.pause()
        void c.queue.then(() => {
          c.socket.end()
          // Our FIN went out after the last ACK; a peer that never closes its side is cut shortly after.
          setTimeout(() => c.socket.destroy(), 500).unref()
        })
      }
      const cut = setTimeout(() => {
        for (const c of connections) c.socket.destroy()
      }, options.drainMs ?? 10_000)
      cut.unref()
      await closed
      clearTimeout(cut)
    },
  }
}
