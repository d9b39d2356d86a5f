/**
 * PHI detection for free text and FHIR resources. Runtime code has no `node:` imports and no faker:
 * it runs in browsers and Workers too.
 * @example
 * import { detectPhi } from 'nexora/plugins/phi'
 * detectPhi('Seen by Dr. Alvarez on 03/14/2021') // NAME, DATE
 */
export { detectPhi } from './detect.ts'
export { detectPhiInResource } from './resource.ts'
export { isStructuralString } from './fhir-elements.ts'
export { SAFE_HARBOR } from './safe-harbor.ts'
export { resolveSpans } from './resolve.ts'
export { luhnValid, ssnValid, ipv4Valid, ipv6Valid, vinValid, ibanValid } from './validators.ts'
export { stripTags } from './strip-tags.ts'
export { evaluate, formatReport, type EvaluationReport, type GoldSpan, type LabelledSpan, type Scores, type TypeReport } from './evaluate.ts'
export { evaluateCorpus, DEFAULT_TYPE_MAP, type CorpusDocument, type CorpusEvaluation, type Finding } from './corpus-evaluation.ts'
export { PHI_TYPES, type PhiType, type PhiSpan, type PhiOptions, type PhiMode, type ResourceFinding } from './types.ts'
