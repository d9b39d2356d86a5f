import type { SourceAttributes } from '../core/index.ts'

const na = (reason: string) => ({ status: 'not-available' as const, reason })
const unused = { used: false, description: 'Not recorded in the test data.' }

/**
 * A complete set of ONC HTI-1 source attributes (all 31) for a test model: what promotion to
 * production asks for. The external, local and outcome attributes say "not available", as
 * § 170.315(b)(11)(v)(A)(2) allows, so the fixture also exercises that form.
 */
export function completeSourceAttributes(): SourceAttributes {
  return {
    details: {
      developer: { name: 'Test developer', contact: 'test@example.org' },
      fundingSource: 'None: a test fixture.',
      outputValue: 'A probability of the test outcome.',
      outputType: { type: 'prediction', description: 'A probability of a future event.' },
    },
    purpose: {
      intendedUse: 'Tests only.',
      intendedPatientPopulation: 'None: synthetic test rows.',
      intendedUsers: 'Test suites.',
      decisionMakingRole: { role: 'informs', description: 'Informs no one: a test fixture.' },
    },
    cautionedUse: { outOfScopeUse: 'Any use outside tests.', knownRisksAndLimitations: 'Fitted to nothing real.' },
    development: {
      inclusionExclusionCriteria: 'Synthetic rows, none excluded.',
      demographicInputFeatures: {
        race: unused,
        ethnicity: unused,
        language: unused,
        sexualOrientation: unused,
        genderIdentity: unused,
        sex: { used: true, description: 'Input feature `sex`.' },
        dateOfBirth: { used: true, description: 'As age in years.' },
        socialDeterminantsOfHealth: unused,
        healthStatusAssessments: unused,
      },
      demographicRepresentativeness: 'Synthetic: represents no population.',
      trainingDataRelevance: 'None: synthetic.',
    },
    fairness: { approach: 'None applied.', biasManagement: 'None.' },
    externalValidation: {
      dataSource: na('Not externally validated.'),
      testingParty: na('Not externally validated.'),
      demographicRepresentativeness: na('Not externally validated.'),
      process: na('Not externally validated.'),
    },
    performance: {
      internalValidity: { summary: 'Held-out rows.', measures: { heldout_auroc: 0.7 } },
      internalFairness: { summary: 'By sex.', subgroups: [{ group: 'sex F', n: 10, measures: { auroc: 0.7 } }] },
      externalValidity: na('Not externally validated.'),
      externalFairness: na('Not externally validated.'),
      outcomeEvaluations: na('No outcome study.'),
    },
    maintenance: {
      validityMonitoring: na('Not deployed.'),
      localValidity: na('Not deployed.'),
      fairnessMonitoring: na('Not deployed.'),
      localFairness: na('Not deployed.'),
    },
    updates: { updateProcess: 'Never updated.', correctionFrequency: 'Never corrected.' },
  }
}
