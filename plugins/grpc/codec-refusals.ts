import { Code, type ConnectError } from '@connectrpc/connect'
import { NexoraError } from '../../core/index.ts'
import { ERROR_CODE_TRAILER } from './status.ts'

/**
 * Connect refuses some requests itself, before any Nexora code runs: a message its codec cannot
 * decode, broken framing, a message over the size limit. Its binary codec calls every decode
 * failure INTERNAL ("parse binary: …", HTTP 500 on Connect), though only the client's bytes are
 * at fault, and its JSON codec quotes the offending value ("expected string, got …"). These are
 * the rules that restate such a refusal as the NexoraError it is. They match connect-es 2.x's
 * own messages; test/grpc/malformed-messages.test.ts pins every one, so an upgrade that rewords
 * them fails there rather than letting a 500 through.
 */

/** Why protobuf-es could not decode the bytes, in words that quote none of them. */
function binaryReason(reason: string): string {
  if (/premature EOF|invalid varint|out of range/i.test(reason)) return 'is truncated'
  if (/illegal tag|wire type|end group|skip/i.test(reason)) return 'has a field tag or wire type that does not fit'
  if (/recursion depth/i.test(reason)) return 'nests too deeply'
  return 'is not valid protobuf'
}

/** A schema name from a codec message: safe to return (it names the proto, not the caller's data). */
const SCHEMA_NAME = /^[\w.]{1,160}$/

/** The Connect JSON codec's refusals: `cannot decode field <f> from JSON: …` or `cannot decode message <T> from JSON: …`. */
function jsonRefusal(text: string, input: string): NexoraError {
  const field = /^cannot decode field (\S+) from JSON: (.*)$/s.exec(text)
  if (field) {
    const name = SCHEMA_NAME.test(field[1]!) ? field[1]! : 'a field'
    if (/invalid UTF-?8/i.test(field[2]!))
      return new NexoraError('request.invalid_unicode', { detail: `${name} is not well-formed Unicode (a lone UTF-16 surrogate)` })
    return new NexoraError('request.invalid', { detail: `${name} has a value of the wrong type or out of range` })
  }
  // JSON.parse's own messages (V8: "Unexpected token…", "…in JSON at position n", "…is not valid JSON") and protobuf-es's duplicate keys.
  const message = /^cannot decode message \S+ from JSON: (.*)$/s.exec(text)
  if (message?.[1]?.startsWith('duplicate object key')) return new NexoraError('request.malformed_json', { detail: 'an object in the body repeats a key' })
  if (message && /JSON/.test(message[1]!)) return new NexoraError('request.malformed_json', { detail: 'the body is not valid JSON' })
  return new NexoraError('request.invalid', { detail: `the body is not a ${input} message` })
}

/**
 * The NexoraError a refusal of Connect's own stands for, or undefined when the error is Nexora's
 * (it carries `nexora-error-code`) or not one of these rules (it is then left as it is).
 * @param input the method's request message type, e.g. `nexora.v1.PredictRequest`
 * @example
 * refusalOf(new ConnectError('parse binary: premature EOF', Code.Internal), 'nexora.v1.PredictRequest')
 * // NexoraError request.invalid: "the nexora.v1.PredictRequest message is truncated"
 */
export function refusalOf(error: ConnectError, input: string): NexoraError | undefined {
  if (error.metadata.has(ERROR_CODE_TRAILER)) return undefined
  const text = error.rawMessage
  switch (error.code) {
    case Code.Internal:
      if (text.startsWith('parse binary: ')) {
        const reason = text.slice('parse binary: '.length)
        // TextDecoder's fatal error: a lone surrogate as WTF-8 (what grpc-js writes for "\ud800") or a broken sequence.
        if (/utf-?8/i.test(reason)) return new NexoraError('request.invalid_unicode', { detail: `a string in the ${input} message is not valid UTF-8` })
        return new NexoraError('request.invalid', { detail: `the ${input} message ${binaryReason(reason)}` })
      }
      if (/^received compressed envelope|^decompression failed/.test(text))
        return new NexoraError('request.invalid', { detail: 'the message is flagged compressed but does not decompress with the grpc-encoding sent' })
      return undefined
    case Code.InvalidArgument:
      if (text.startsWith('cannot decode ')) return jsonRefusal(text, input)
      if (text === 'decompression failed') return new NexoraError('request.invalid', { detail: 'the message does not decompress with the encoding sent' })
      if (/envelope|promised \d+ bytes|end flag/.test(text))
        return new NexoraError('request.invalid', { detail: 'the message framing is broken (an envelope cut short or mislabelled)' })
      if (/timeout/.test(text)) return new NexoraError('request.invalid', { detail: 'the call timeout header is malformed' })
      return undefined
    case Code.Unimplemented:
      // connect-es says UNIMPLEMENTED for a unary call with no message or two: a malformed request all the same.
      if (/^protocol error: (missing|received extra) input message/.test(text))
        return new NexoraError('request.invalid', { detail: 'a unary call carries exactly one request message' })
      return undefined
    case Code.ResourceExhausted: {
      const limit = /readMaxBytes (\d+)/.exec(text)
      return limit ? new NexoraError('request.too_large', { detail: `the request message exceeds ${limit[1]} bytes` }) : undefined
    }
    default:
      return undefined
  }
}
