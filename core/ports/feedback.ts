/**
 * Clinician feedback on a decision-support card. The CDS Hooks front door writes it to the audit
 * trail and monitoring reports override rates from it: both sides meet on this contract, so
 * neither plugin imports the other.
 */

/** The audit action of one feedback item. */
export const FEEDBACK_ACTION = 'cds.feedback'

/** A coded override reason; `offered: false` when the card did not offer it. */
export interface FeedbackReason {
  system: string | null
  code: string
  offered?: false
}

/** The `context` of a `FEEDBACK_ACTION` audit event: ids, codes and flags only, never free text. */
export interface FeedbackEventContext {
  /** The service (model) that made the card. */
  model: string
  /** The version that made the card; null when the trail does not know the card. */
  version: string | null
  card: string
  known: boolean
  outcome: 'accepted' | 'overridden'
  /** The accepted suggestions' kinds (`<card>.<kind>` ids; anything else is `other`). */
  accepted: string[]
  reason: FeedbackReason | null
  /** Whether a comment was given: its text may hold PHI, so only its presence is kept. */
  comment: boolean
  outcomeTimestamp: string
}
