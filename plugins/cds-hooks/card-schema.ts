/**
 * The CDS Hooks 2.0 response, card and discovery shapes in zod, from the specification's
 * tables. JSON rules that the spec states once for all objects are enforced here too: an
 * OPTIONAL field is omitted rather than null or empty, so empty strings and arrays fail.
 */
import { z } from '@hono/zod-openapi'

const text = z.string().min(1)
const absoluteUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'an absolute http(s) URL')

const Coding = z.object({ code: text, system: text, display: text.optional() }).strict()
export const CodingSchema = Coding.openapi('CdsCoding')
/** The spec reserves `extension` on every object for agreed additions. */
const extension = z.record(z.string(), z.unknown()).optional()

export const ActionSchema = z
  .object({
    type: z.enum(['create', 'update', 'delete']),
    description: text,
    resource: z.object({ resourceType: text }).passthrough().optional(),
    resourceId: text.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.type === 'create' || a.type === 'update') && !a.resource)
      ctx.addIssue({ code: 'custom', path: ['resource'], message: `a ${a.type} action carries the resource` })
  })
  .openapi('CdsAction')

export const SuggestionSchema = z
  .object({
    label: text,
    uuid: text.optional(),
    isRecommended: z.boolean().optional(),
    actions: z.array(ActionSchema).min(1).optional(),
  })
  .strict()
  .openapi('CdsSuggestion')

export const LinkSchema = z
  .object({
    label: text,
    url: absoluteUrl,
    type: z.enum(['absolute', 'smart']),
    appContext: text.optional(),
    autolaunchable: z.boolean().optional(),
  })
  .strict()
  .refine((l) => l.appContext === undefined || l.type === 'smart', { message: 'appContext is only valid on smart links', path: ['appContext'] })
  .openapi('CdsLink')

export const SourceSchema = z
  .object({
    label: text,
    url: absoluteUrl.optional(),
    icon: absoluteUrl.optional(),
    topic: CodingSchema.optional(),
  })
  .strict()
  .openapi('CdsSource')

export const CardSchema = z
  .object({
    uuid: text.optional(),
    /** "One-sentence, <140-character summary". */
    summary: text.max(139),
    detail: text.optional(),
    indicator: z.enum(['info', 'warning', 'critical']),
    source: SourceSchema,
    suggestions: z.array(SuggestionSchema).min(1).optional(),
    selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
    overrideReasons: z
      .array(Coding.required({ display: true }))
      .min(1)
      .optional(),
    links: z.array(LinkSchema).min(1).optional(),
    extension,
  })
  .strict()
  .refine((c) => c.suggestions === undefined || c.selectionBehavior !== undefined, {
    message: 'selectionBehavior is required with suggestions',
    path: ['selectionBehavior'],
  })
  .openapi('CdsCard')

export const CdsResponseSchema = z
  .object({
    cards: z.array(CardSchema),
    systemActions: z.array(ActionSchema).min(1).optional(),
  })
  .strict()
  .openapi('CdsResponse')

export const ServiceSchema = z
  .object({
    hook: text,
    title: text.optional(),
    description: text,
    id: text,
    prefetch: z.record(z.string(), text).optional(),
    usageRequirements: text.optional(),
  })
  .passthrough()
  .openapi('CdsService')

export const DiscoverySchema = z.object({ services: z.array(ServiceSchema) }).openapi('CdsDiscovery')

export type Card = z.infer<typeof CardSchema>
export type Suggestion = z.infer<typeof SuggestionSchema>
export type CdsService = z.infer<typeof ServiceSchema>
