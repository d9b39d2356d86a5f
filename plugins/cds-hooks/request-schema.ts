import { z } from '@hono/zod-openapi'
import { HOOKS } from './manifest.ts'

/** A FHIR logical id (R4: 1–64 of A–Z, a–z, 0–9, `-`, `.`). */
const FhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'a FHIR id')
const Reference = z.string().regex(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/, 'ResourceType/id')
const BundleLike = z.object({ resourceType: z.literal('Bundle') }).passthrough()

/** Each hook's context fields (from the CDS Hooks library's hook definitions); other fields pass through. */
export const CONTEXTS = {
  'patient-view': z.object({ userId: Reference, patientId: FhirId, encounterId: FhirId.optional() }).passthrough(),
  'order-select': z
    .object({ userId: Reference, patientId: FhirId, encounterId: FhirId.optional(), selections: z.array(z.string()).min(1), draftOrders: BundleLike })
    .passthrough(),
  'order-sign': z.object({ userId: Reference, patientId: FhirId, encounterId: FhirId.optional(), draftOrders: BundleLike }).passthrough(),
} as const

export const FhirAuthorization = z
  .object({
    access_token: z.string().min(1).max(8192),
    token_type: z.string().regex(/^bearer$/i, 'Bearer'),
    expires_in: z.number().int().nonnegative(),
    scope: z.string(),
    subject: z.string(),
    patient: FhirId.optional(),
  })
  .passthrough()
  .openapi('CdsFhirAuthorization')

const Resource = z.object({ resourceType: z.string().regex(/^[A-Z][A-Za-z]+$/) }).passthrough()

/** `POST /cds-services/{id}`: the CDS Hooks 2.0 request. */
export const HookRequest = z
  .object({
    hook: z.enum(HOOKS),
    /** A UUID per the spec; held to id characters because it is recorded in the audit trail. */
    hookInstance: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a UUID'),
    fhirServer: z.string().url().optional(),
    fhirAuthorization: FhirAuthorization.optional(),
    context: z.record(z.string(), z.unknown()),
    /** Each key's FHIR resource (a read) or Bundle (a search), or null: the client has no data for it. */
    prefetch: z.record(z.string(), Resource.nullable()).optional(),
  })
  .passthrough()
  .superRefine((request, ctx) => {
    if (request.fhirAuthorization && !request.fhirServer)
      ctx.addIssue({ code: 'custom', path: ['fhirServer'], message: 'required when fhirAuthorization is given' })
    const parsed = CONTEXTS[request.hook].safeParse(request.context)
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['context', ...issue.path], message: issue.message })
  })
  .openapi('CdsHookRequest')

export type HookRequest = z.infer<typeof HookRequest>

/** Card and suggestion ids go to the audit trail, so only id characters are accepted. */
const Uuid = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a uuid')
const CodingSchema = z.object({ system: z.string().min(1).max(256), code: z.string().min(1).max(128), display: z.string().optional() })

/** `POST /cds-services/{id}/feedback`. */
export const FeedbackRequest = z
  .object({
    feedback: z
      .array(
        z
          .object({
            card: Uuid,
            outcome: z.enum(['accepted', 'overridden']),
            acceptedSuggestions: z
              .array(z.object({ id: Uuid }))
              .max(50)
              .optional(),
            overrideReason: z.object({ reason: CodingSchema.optional(), userComment: z.string().max(10_000).optional() }).optional(),
            outcomeTimestamp: z.string().datetime({ offset: true }),
          })
          .refine((f) => f.outcome !== 'accepted' || (f.acceptedSuggestions?.length ?? 0) > 0, {
            message: 'acceptedSuggestions is required for an accepted outcome',
            path: ['acceptedSuggestions'],
          }),
      )
      .min(1)
      .max(100),
  })
  .openapi('CdsFeedbackRequest')

export type FeedbackItem = z.infer<typeof FeedbackRequest>['feedback'][number]
