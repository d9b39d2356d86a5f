import { z } from '@hono/zod-openapi'
import { AttributeText as Text, DecisionRole, DemographicUse, Developer, Measured, NotAvailable, OutputType } from './source-attribute-values.ts'

/**
 * The source attributes of a predictive decision support intervention (ONC HTI-1, 89 FR 1192,
 * 45 CFR 170.315(b)(11)(iv)(B)): 31 attributes in the rule's nine groups, (B)(1) to (B)(9). The
 * titles are the rule's own words, so the UI, the FHIR document and a reviewer read the same text.
 * A registered version may carry any subset (a staging version is being written up); promotion
 * to production needs all 31 (`missingSourceAttributes` empty).
 */
export const SOURCE_ATTRIBUTES_RULE = '45 CFR 170.315(b)(11)(iv)(B)'

const attr = <S extends z.ZodType>(paragraph: string, title: string, value: S) => ({ paragraph, title, value, notAvailable: false as boolean })
// § 170.315(b)(11)(v)(A)(2): for (B)(6)(i)–(iv), (B)(7)(iii)–(v) and (B)(8)(i)–(iv) the module may
// say the information is not available; every other attribute needs a real answer.
const orNa = <S extends z.ZodType>(paragraph: string, title: string, value: S) => ({
  paragraph,
  title,
  value: z.union([value, NotAvailable]),
  notAvailable: true as boolean,
})
const A_5_13 = 'paragraph (b)(11)(iv)(A)(5)-(13)'

/** The rule's groups and attributes in its order: `(n)` is § 170.315(b)(11)(iv)(B)(n). */
export const SOURCE_ATTRIBUTE_GROUPS = {
  details: {
    paragraph: '(1)',
    title: 'Details and output of the intervention',
    attributes: {
      developer: attr('(1)(i)', 'Name and contact information for the intervention developer', Developer),
      fundingSource: attr('(1)(ii)', 'Funding source of the technical implementation for the intervention(s) development', Text),
      outputValue: attr('(1)(iii)', 'Description of value that the intervention produces as an output', Text),
      outputType: attr(
        '(1)(iv)',
        'Whether the intervention output is a prediction, classification, recommendation, evaluation, analysis, or other type of output',
        OutputType,
      ),
    },
  },
  purpose: {
    paragraph: '(2)',
    title: 'Purpose of the intervention',
    attributes: {
      intendedUse: attr('(2)(i)', 'Intended use of the intervention', Text),
      intendedPatientPopulation: attr('(2)(ii)', "Intended patient population(s) for the intervention's use", Text),
      intendedUsers: attr('(2)(iii)', 'Intended user(s)', Text),
      decisionMakingRole: attr(
        '(2)(iv)',
        'Intended decision-making role for which the intervention was designed to be used/for (e.g., informs, augments, replaces clinical management)',
        DecisionRole,
      ),
    },
  },
  cautionedUse: {
    paragraph: '(3)',
    title: 'Cautioned out-of-scope use of the intervention',
    attributes: {
      outOfScopeUse: attr('(3)(i)', 'Description of tasks, situations, or populations where a user is cautioned against applying the intervention', Text),
      knownRisksAndLimitations: attr('(3)(ii)', 'Known risks, inappropriate settings, inappropriate uses, or known limitations', Text),
    },
  },
  development: {
    paragraph: '(4)',
    title: 'Intervention development details and input features',
    attributes: {
      inclusionExclusionCriteria: attr('(4)(i)', 'Exclusion and inclusion criteria that influenced the training data set', Text),
      demographicInputFeatures: attr('(4)(ii)', `Use of variables in ${A_5_13} as input features`, DemographicUse),
      demographicRepresentativeness: attr(
        '(4)(iii)',
        `Description of demographic representativeness according to variables in ${A_5_13} including, at a minimum, those used as input features`,
        Text,
      ),
      trainingDataRelevance: attr('(4)(iv)', 'Description of relevance of training data to intended deployed setting', Text),
    },
  },
  fairness: {
    paragraph: '(5)',
    title: 'Process used to ensure fairness in development of the intervention',
    attributes: {
      approach: attr('(5)(i)', "Description of the approach the intervention developer has taken to ensure that the intervention's output is fair", Text),
      biasManagement: attr('(5)(ii)', 'Description of approaches to manage, reduce, or eliminate bias', Text),
    },
  },
  externalValidation: {
    paragraph: '(6)',
    title: 'External validation process',
    attributes: {
      dataSource: orNa(
        '(6)(i)',
        "Description of the data source, clinical setting, or environment where an intervention's validity and fairness has been assessed, " +
          'other than the source of training and testing data',
        Text,
      ),
      testingParty: orNa('(6)(ii)', 'Party that conducted the external testing', Text),
      demographicRepresentativeness: orNa(
        '(6)(iii)',
        `Description of demographic representativeness of external data according to variables in ${A_5_13} including, at a minimum, ` +
          'those used as input features',
        Text,
      ),
      process: orNa('(6)(iv)', 'Description of external validation process', Text),
    },
  },
  performance: {
    paragraph: '(7)',
    title: 'Quantitative measures of performance',
    attributes: {
      internalValidity: attr('(7)(i)', 'Validity of intervention in test data derived from the same source as the initial training data', Measured),
      internalFairness: attr('(7)(ii)', 'Fairness of intervention in test data derived from the same source as the initial training data', Measured),
      externalValidity: orNa('(7)(iii)', 'Validity of intervention in data external to or from a different source than the initial training data', Measured),
      externalFairness: orNa('(7)(iv)', 'Fairness of intervention in data external to or from a different source than the initial training data', Measured),
      outcomeEvaluations: orNa(
        '(7)(v)',
        'References to evaluation of use of the intervention on outcomes, including, bibliographic citations or hyperlinks to evaluations of how well ' +
          'the intervention reduced morbidity, mortality, length of stay, or other outcomes',
        Text,
      ),
    },
  },
  maintenance: {
    paragraph: '(8)',
    title: 'Ongoing maintenance of intervention implementation and use',
    attributes: {
      validityMonitoring: orNa('(8)(i)', "Description of process and frequency by which the intervention's validity is monitored over time", Text),
      localValidity: orNa('(8)(ii)', 'Validity of intervention in local data', Measured),
      fairnessMonitoring: orNa('(8)(iii)', "Description of the process and frequency by which the intervention's fairness is monitored over time", Text),
      localFairness: orNa('(8)(iv)', 'Fairness of intervention in local data', Measured),
    },
  },
  updates: {
    paragraph: '(9)',
    title: 'Update and continued validation or fairness assessment schedule',
    attributes: {
      updateProcess: attr('(9)(i)', 'Description of process and frequency by which the intervention is updated', Text),
      correctionFrequency: attr(
        '(9)(ii)',
        "Description of frequency by which the intervention's performance is corrected when risks related to validity and fairness are identified",
        Text,
      ),
    },
  },
}

type Groups = typeof SOURCE_ATTRIBUTE_GROUPS
type Attributes = Record<string, { value: z.ZodType }>
type Values<A extends Attributes> = { [K in keyof A]: A[K]['value'] }
const values = <A extends Attributes>(attributes: A) => Object.fromEntries(Object.entries(attributes).map(([k, a]) => [k, a.value])) as Values<A>
const all = <A extends Attributes>(attributes: A) => z.strictObject(values(attributes))
const some = <A extends Attributes>(attributes: A) => all(attributes).partial().optional()
const G = SOURCE_ATTRIBUTE_GROUPS

/** All 31 attributes, each required: what a production version carries. */
export const SourceAttributesSchema = z
  .strictObject({
    details: all(G.details.attributes),
    purpose: all(G.purpose.attributes),
    cautionedUse: all(G.cautionedUse.attributes),
    development: all(G.development.attributes),
    fairness: all(G.fairness.attributes),
    externalValidation: all(G.externalValidation.attributes),
    performance: all(G.performance.attributes),
    maintenance: all(G.maintenance.attributes),
    updates: all(G.updates.attributes),
  })
  .openapi('SourceAttributes', { description: `ONC HTI-1 source attributes of a predictive DSI (${SOURCE_ATTRIBUTES_RULE}), all 31` })

/**
 * The same attributes, any of them absent: what registration accepts. A present attribute must
 * still be well formed (a typo'd key or a blank answer is refused, not silently dropped).
 */
export const SourceAttributesDraftSchema = z
  .strictObject({
    details: some(G.details.attributes),
    purpose: some(G.purpose.attributes),
    cautionedUse: some(G.cautionedUse.attributes),
    development: some(G.development.attributes),
    fairness: some(G.fairness.attributes),
    externalValidation: some(G.externalValidation.attributes),
    performance: some(G.performance.attributes),
    maintenance: some(G.maintenance.attributes),
    updates: some(G.updates.attributes),
  })
  .openapi('SourceAttributesDraft', {
    description: `ONC HTI-1 source attributes (${SOURCE_ATTRIBUTES_RULE}); any may be absent at registration, all 31 are needed for production`,
  })

export type SourceAttributes = z.infer<typeof SourceAttributesSchema>
export type SourceAttributesDraft = z.infer<typeof SourceAttributesDraftSchema>
export type SourceAttributeGroupId = keyof Groups

/** One attribute, flattened: `key` is `<group>.<attribute>`, `paragraph` its full citation. */
export interface SourceAttributeDef {
  key: string
  group: SourceAttributeGroupId
  name: string
  paragraph: string
  title: string
  /** May it be answered "not available" (§ 170.315(b)(11)(v)(A)(2))? */
  notAvailable: boolean
  value: z.ZodType
}

/** The 31 attributes in the rule's order. */
export const SOURCE_ATTRIBUTES: readonly SourceAttributeDef[] = Object.entries(SOURCE_ATTRIBUTE_GROUPS).flatMap(([group, g]) =>
  Object.entries(g.attributes as Record<string, ReturnType<typeof attr>>).map(([name, a]) => ({
    key: `${group}.${name}`,
    group: group as SourceAttributeGroupId,
    name,
    paragraph: `${SOURCE_ATTRIBUTES_RULE}${a.paragraph}`,
    title: a.title,
    notAvailable: a.notAvailable,
    value: a.value,
  })),
)

export type SourceAttributeStatus = 'provided' | 'not-available' | 'missing'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The stored value of one attribute, whatever shape the rest of the object has. */
export function sourceAttributeValue(sourceAttributes: unknown, def: Pick<SourceAttributeDef, 'group' | 'name'>): unknown {
  const group = isRecord(sourceAttributes) ? sourceAttributes[def.group] : undefined
  return isRecord(group) ? group[def.name] : undefined
}

/** Provided, answered "not available" where the rule allows it, or missing (absent, blank or ill-formed). */
export function sourceAttributeStatus(sourceAttributes: unknown, def: SourceAttributeDef): SourceAttributeStatus {
  const value = sourceAttributeValue(sourceAttributes, def)
  if (!def.value.safeParse(value).success) return 'missing'
  return NotAvailable.safeParse(value).success ? 'not-available' : 'provided'
}

/**
 * The keys (`<group>.<attribute>`, in the rule's order) of the attributes a manifest lacks:
 * absent, blank, ill-formed, or "not available" where the rule does not allow it. Empty means
 * complete: the version may be promoted to production.
 * @example
 * missingSourceAttributes({ sourceAttributes: {} }).length // 31
 */
export function missingSourceAttributes(manifest: { sourceAttributes?: unknown }): string[] {
  return SOURCE_ATTRIBUTES.filter((def) => sourceAttributeStatus(manifest.sourceAttributes, def) === 'missing').map((def) => def.key)
}
