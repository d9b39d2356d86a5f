/**
 * MLLP framing (HL7 v2 transport, MLLP release 1): a message travels as <VT> bytes <FS><CR>.
 * TCP keeps no message boundaries, so the deframer takes chunks as they come: a frame split over
 * several chunks, several frames in one chunk, bytes outside any frame (dropped: line noise, a
 * sender's stray CR after <FS>), and a new <VT> inside an unfinished frame (the sender restarted:
 * the partial frame is dropped). A frame past `maxBytes` is reported once, with its first bytes
 * (for the ACK's MSH), and nothing more is read from the stream. Web standards only.
 */

/** Start block. */
export const VT = 0x0b
/** End block, followed by CR. */
export const FS = 0x1c
export const CR = 0x0d

export type MllpEvent = { type: 'message'; bytes: Uint8Array } | { type: 'too_large'; head: Uint8Array }

export interface MllpDeframer {
  /** Feed the next chunk; returns the frames it completed, in order. */
  push(chunk: Uint8Array): MllpEvent[]
}

/** Bytes of an over-limit frame kept for its ACK: the MSH segment is at the start. */
const HEAD_BYTES = 4096

export function createMllpDeframer(maxBytes: number): MllpDeframer {
  let parts: Uint8Array[] = []
  let size = 0
  let inFrame = false
  let stopped = false
  const take = (): Uint8Array => {
    const out = new Uint8Array(size)
    let at = 0
    for (const p of parts) {
      out.set(p, at)
      at += p.length
    }
    parts = []
    size = 0
    return out
  }
  return {
    push(chunk) {
      const events: MllpEvent[] = []
      let at = 0
      while (!stopped && at < chunk.length) {
        if (!inFrame) {
          const start = chunk.indexOf(VT, at)
          if (start < 0) break
          inFrame = true
          at = start + 1
          continue
        }
        const end = chunk.indexOf(FS, at)
        const restart = chunk.indexOf(VT, at)
        const stop = end < 0 ? chunk.length : end
        if (restart >= 0 && restart < stop) {
          // A new start block before the end block: the unfinished frame is abandoned.
          take()
          at = restart + 1
          continue
        }
        if (size + (stop - at) > maxBytes) {
          parts.push(chunk.subarray(at, stop))
          size += stop - at
          events.push({ type: 'too_large', head: take().subarray(0, HEAD_BYTES) })
          stopped = true
          break
        }
        // Copy: the caller's buffer (a pooled Node Buffer) may be reused once push returns.
        parts.push(chunk.slice(at, stop))
        size += stop - at
        if (end < 0) break
        events.push({ type: 'message', bytes: take() })
        inFrame = false
        at = end + 1
      }
      return events
    },
  }
}

/** One message in an MLLP frame. */
export function frame(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 3)
  out[0] = VT
  out.set(bytes, 1)
  out[bytes.length + 1] = FS
  out[bytes.length + 2] = CR
  return out
}
