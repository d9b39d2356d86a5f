import { FEEDBACK_ACTION, type Caller, type FeedbackEventContext, type FeedbackReason, type FrontDoorContext } from '../../core/index.ts'
import type { FeedbackItem } from './request-schema.ts'

// The event this writes is a contract in core (ports/feedback.ts): the monitoring plugin's override report reads it.
// The card is found by its request id (indexed); the time bounds are only what the query API asks for.
const EPOCH = '1970-01-01T00:00:00.000Z'
const END = '9999-12-31T23:59:59.999Z'

const CODE = /^[A-Za-z0-9._-]{1,64}$/
const SYSTEM = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/

/** Which of our suggestions were accepted: ids are `<card>.<kind>`, anything else is `other`. */
const kinds = (card: string, ids: { id: string }[] = []) => ids.map(({ id }) => (id.startsWith(`${card}.`) ? id.slice(card.length + 1) : 'other'))

/**
 * Store each feedback item in the audit trail as a `cds.feedback` event: the outcome, which
 * suggestions were accepted, the override reason's coding (when the card offered it), and the model version that made
 * the card, found through the card's uuid (the assessment's request id). A free-text
 * `userComment` may hold PHI, so only its presence is kept. A card this client was not shown
 * is still recorded, with no version, so nothing a client reports is lost.
 */
export async function recordFeedback(
  ctx: FrontDoorContext,
  input: { service: string; caller: Caller; requestId: string; items: FeedbackItem[]; offered: readonly { system?: string; code: string }[] },
) {
  // A reason the card offered is kept as is. Another is kept only if it looks like a coding (an
  // http(s) code system, a code without spaces), marked `offered: false`: a CDS client's own
  // reason codes survive, while free text in code's clothing ("John Smith MRN 998877") is `other`.
  const offered = new Set(input.offered.map((r) => `${r.system ?? ''}|${r.code}`))
  const codedReason = (reason: { system?: string; code: string }): FeedbackReason => {
    if (offered.has(`${reason.system ?? ''}|${reason.code}`)) return { system: reason.system ?? null, code: reason.code }
    return CODE.test(reason.code) && (reason.system === undefined || SYSTEM.test(reason.system))
      ? { system: reason.system ?? null, code: reason.code, offered: false }
      : { system: null, code: 'other', offered: false }
  }
  const known = await Promise.all(
    input.items.map(async (item) => {
      const { events } = await ctx.audit.queryLogs(EPOCH, END, { requestId: item.card, action: 'predict.response', model: input.service }, { limit: 1 })
      const assessed = events.find((e) => e.actor === input.caller.subject && e.outcome === 'success')
      const reason = item.overrideReason?.reason
      await ctx.audit.logDataAccess({
        userId: input.caller.subject,
        action: FEEDBACK_ACTION,
        patientId: assessed?.patientRef ?? null,
        requestId: input.requestId,
        ip: input.caller.ip ?? null,
        context: {
          model: input.service,
          version: assessed?.version ?? null,
          card: item.card,
          known: assessed !== undefined,
          outcome: item.outcome,
          accepted: kinds(item.card, item.acceptedSuggestions),
          reason: reason ? codedReason(reason) : null,
          comment: item.overrideReason?.userComment !== undefined,
          outcomeTimestamp: item.outcomeTimestamp,
        } satisfies FeedbackEventContext,
      })
      return assessed !== undefined
    }),
  )
  return { recorded: known.length, unknownCards: known.filter((k) => !k).length }
}
