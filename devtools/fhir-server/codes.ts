/**
 * The code catalogues the synthetic cohort draws from: ICD-10-CM and SNOMED CT for
 * conditions, LOINC with UCUM units for observations, RxNorm ingredients for medications.
 * Codes are real so that downstream mapping (ICD-10 → comorbidity groups, LOINC → features,
 * unit conversion) is exercised as it would be on an EHR extract; displays are abbreviated.
 */
import type { CodeableConcept, Coding } from 'fhir/r4.js'

export const SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ucum: 'http://unitsofmeasure.org',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
} as const

export interface Code {
  code: string
  display: string
}

/** A condition in the catalogue; `icd10`/`snomed` absent means that system never codes it. */
export interface ConditionCode {
  key: ConditionKey
  icd10?: Code
  snomed?: Code
  /** Chronic conditions stay active; acute ones are resolved after their encounter. */
  chronic: boolean
}

export type ConditionKey =
  | 'diabetes'
  | 'heartFailure'
  | 'ckd3'
  | 'ckd4'
  | 'copd'
  | 'hypertension'
  | 'breastCancer'
  | 'lungMetastasis'
  | 'cirrhosis'
  | 'depression'
  | 'atrialFibrillation'
  | 'hyperlipidemia'
  | 'obesity'
  | 'anemia'
  | 'pneumonia'
  | 'uti'
  | 'osteoarthritisKnee'
  | 'viralSinusitis'
  | 'ankleSprain'
  | 'lowBackPain'
  | 'prediabetes'
  | 'acuteBronchitis'

const condition = (key: ConditionKey, chronic: boolean, icd10?: [string, string], snomed?: [string, string]): ConditionCode => ({
  key,
  chronic,
  ...(icd10 ? { icd10: { code: icd10[0], display: icd10[1] } } : {}),
  ...(snomed ? { snomed: { code: snomed[0], display: snomed[1] } } : {}),
})

export const CONDITIONS: Record<ConditionKey, ConditionCode> = {
  diabetes: condition('diabetes', true, ['E11.9', 'Type 2 diabetes mellitus without complications'], ['44054006', 'Diabetes mellitus type 2']),
  heartFailure: condition('heartFailure', true, ['I50.9', 'Heart failure, unspecified'], ['84114007', 'Heart failure']),
  // N18.3 became a header in ICD-10-CM FY2021; N18.30 is the billable "stage 3 unspecified".
  ckd3: condition('ckd3', true, ['N18.30', 'Chronic kidney disease, stage 3 unspecified'], ['433144002', 'Chronic kidney disease stage 3']),
  ckd4: condition('ckd4', true, ['N18.4', 'Chronic kidney disease, stage 4 (severe)'], ['431857002', 'Chronic kidney disease stage 4']),
  copd: condition('copd', true, ['J44.9', 'Chronic obstructive pulmonary disease, unspecified'], ['13645005', 'Chronic obstructive lung disease']),
  hypertension: condition('hypertension', true, ['I10', 'Essential (primary) hypertension'], ['59621000', 'Essential hypertension']),
  breastCancer: condition(
    'breastCancer',
    true,
    ['C50.911', 'Malignant neoplasm of unspecified site of right female breast'],
    ['254837009', 'Malignant neoplasm of breast'],
  ),
  lungMetastasis: condition(
    'lungMetastasis',
    true,
    ['C78.00', 'Secondary malignant neoplasm of unspecified lung'],
    ['94391008', 'Secondary malignant neoplasm of lung'],
  ),
  cirrhosis: condition('cirrhosis', true, ['K70.30', 'Alcoholic cirrhosis of liver without ascites'], ['420054005', 'Alcoholic cirrhosis']),
  depression: condition('depression', true, ['F32.9', 'Major depressive disorder, single episode, unspecified'], ['35489007', 'Depressive disorder']),
  atrialFibrillation: condition('atrialFibrillation', true, ['I48.91', 'Unspecified atrial fibrillation'], ['49436004', 'Atrial fibrillation']),
  hyperlipidemia: condition('hyperlipidemia', true, ['E78.5', 'Hyperlipidemia, unspecified'], ['55822004', 'Hyperlipidemia']),
  obesity: condition('obesity', true, ['E66.9', 'Obesity, unspecified'], ['414916001', 'Obesity']),
  anemia: condition('anemia', true, ['D64.9', 'Anemia, unspecified'], ['271737000', 'Anemia']),
  osteoarthritisKnee: condition('osteoarthritisKnee', true, ['M17.9', 'Osteoarthritis of knee, unspecified'], ['239873007', 'Osteoarthritis of knee']),
  pneumonia: condition('pneumonia', false, ['J18.9', 'Pneumonia, unspecified organism'], ['233604007', 'Pneumonia']),
  uti: condition('uti', false, ['N39.0', 'Urinary tract infection, site not specified'], ['68566005', 'Urinary tract infectious disease']),
  acuteBronchitis: condition('acuteBronchitis', false, ['J20.9', 'Acute bronchitis, unspecified'], ['10509002', 'Acute bronchitis']),
  // Problem-list entries that primary care records in SNOMED CT only (no ICD-10 coding at all).
  viralSinusitis: condition('viralSinusitis', false, undefined, ['444814009', 'Viral sinusitis']),
  ankleSprain: condition('ankleSprain', false, undefined, ['44465007', 'Sprain of ankle']),
  lowBackPain: condition('lowBackPain', true, undefined, ['278860009', 'Chronic low back pain']),
  prediabetes: condition('prediabetes', true, undefined, ['714628002', 'Prediabetes']),
}

/**
 * How the ground truth recognises a diagnosis in the record: an ICD-10-CM code under one of
 * these prefixes, or one of these SNOMED CT codes (some conditions are coded in SNOMED only).
 */
export const TRUTH_DIAGNOSES = {
  heartFailure: { icd10Prefixes: ['I50'], snomed: ['84114007'] },
  copd: { icd10Prefixes: ['J44'], snomed: ['13645005'] },
  ckd: { icd10Prefixes: ['N18'], snomed: ['433144002', '431857002'] },
} as const

export interface ObservationCode {
  loinc: string
  display: string
  category: 'vital-signs' | 'laboratory'
  /** UCUM code; also used as the human-readable unit. */
  unit: string
  /** Decimal places the value is reported with. */
  decimals: number
}

const obs = (loinc: string, display: string, category: ObservationCode['category'], unit: string, decimals: number): ObservationCode => ({
  loinc,
  display,
  category,
  unit,
  decimals,
})

export const VITALS = {
  heartRate: obs('8867-4', 'Heart rate', 'vital-signs', '/min', 0),
  bloodPressure: obs('85354-9', 'Blood pressure panel with all children optional', 'vital-signs', 'mm[Hg]', 0),
  systolic: obs('8480-6', 'Systolic blood pressure', 'vital-signs', 'mm[Hg]', 0),
  diastolic: obs('8462-4', 'Diastolic blood pressure', 'vital-signs', 'mm[Hg]', 0),
  temperature: obs('8310-5', 'Body temperature', 'vital-signs', 'Cel', 1),
  respiratoryRate: obs('9279-1', 'Respiratory rate', 'vital-signs', '/min', 0),
  spo2: obs('2708-6', 'Oxygen saturation in Arterial blood', 'vital-signs', '%', 0),
  weight: obs('29463-7', 'Body weight', 'vital-signs', 'kg', 1),
  bmi: obs('39156-5', 'Body mass index (BMI) [Ratio]', 'vital-signs', 'kg/m2', 1),
} as const

export const LABS = {
  hba1c: obs('4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', 'laboratory', '%', 1),
  creatinine: obs('2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'laboratory', 'mg/dL', 2),
  egfr: obs(
    '33914-3',
    'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)',
    'laboratory',
    'mL/min/{1.73_m2}',
    0,
  ),
  sodium: obs('2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'laboratory', 'mmol/L', 0),
  potassium: obs('2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'laboratory', 'mmol/L', 1),
  hemoglobin: obs('718-7', 'Hemoglobin [Mass/volume] in Blood', 'laboratory', 'g/dL', 1),
  // Reported in mg/dL, except a few results in mmol/L (as some labs do), for unit conversion.
  glucose: obs('2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'laboratory', 'mg/dL', 0),
  wbc: obs('6690-2', 'Leukocytes [#/volume] in Blood by Automated count', 'laboratory', '10*3/uL', 1),
} as const

/** mg/dL of glucose per mmol/L (molar mass 180.16 g/mol). */
export const GLUCOSE_MG_DL_PER_MMOL_L = 18.016

/** RxNorm ingredient-level (IN) concepts; `anticoagulant` marks what the ground truth counts. */
export interface MedicationCode extends Code {
  dose: string
  anticoagulant?: true
}

const med = (code: string, display: string, dose: string, anticoagulant = false): MedicationCode => ({
  code,
  display,
  dose,
  ...(anticoagulant ? { anticoagulant: true as const } : {}),
})

export const MEDICATIONS = {
  metformin: med('6809', 'metformin', '500 mg orally twice daily'),
  insulinGlargine: med('274783', 'insulin glargine', '20 units subcutaneously at bedtime'),
  empagliflozin: med('1545653', 'empagliflozin', '10 mg orally once daily'),
  furosemide: med('4603', 'furosemide', '40 mg orally once daily'),
  carvedilol: med('20352', 'carvedilol', '6.25 mg orally twice daily'),
  spironolactone: med('9997', 'spironolactone', '25 mg orally once daily'),
  lisinopril: med('29046', 'lisinopril', '10 mg orally once daily'),
  amlodipine: med('17767', 'amlodipine', '5 mg orally once daily'),
  hydrochlorothiazide: med('5487', 'hydrochlorothiazide', '25 mg orally once daily'),
  metoprolol: med('6918', 'metoprolol', '50 mg orally twice daily'),
  atorvastatin: med('83367', 'atorvastatin', '40 mg orally at night'),
  albuterol: med('435', 'albuterol', '2 puffs inhaled every 4 hours as needed'),
  tiotropium: med('69120', 'tiotropium', '18 mcg inhaled once daily'),
  sertraline: med('36437', 'sertraline', '50 mg orally once daily'),
  lactulose: med('6218', 'lactulose', '20 g orally twice daily'),
  tamoxifen: med('10324', 'tamoxifen', '20 mg orally once daily'),
  letrozole: med('72965', 'letrozole', '2.5 mg orally once daily'),
  omeprazole: med('7646', 'omeprazole', '20 mg orally once daily'),
  aspirin: med('1191', 'aspirin', '81 mg orally once daily'),
  warfarin: med('11289', 'warfarin', '5 mg orally once daily, adjusted to INR', true),
  apixaban: med('1364430', 'apixaban', '5 mg orally twice daily', true),
  rivaroxaban: med('1114195', 'rivaroxaban', '20 mg orally once daily with food', true),
} as const

export type MedicationKey = keyof typeof MEDICATIONS

export const ANTICOAGULANT_RXNORM: ReadonlySet<string> = new Set(
  Object.values(MEDICATIONS)
    .filter((m) => 'anticoagulant' in m)
    .map((m) => m.code),
)

export const ENCOUNTER_CLASSES = {
  inpatient: { system: SYSTEMS.actCode, code: 'IMP', display: 'inpatient encounter' },
  ambulatory: { system: SYSTEMS.actCode, code: 'AMB', display: 'ambulatory' },
  emergency: { system: SYSTEMS.actCode, code: 'EMER', display: 'emergency' },
} as const satisfies Record<string, Coding>

export const ENCOUNTER_TYPES = {
  inpatient: { system: SYSTEMS.snomed, code: '32485007', display: 'Hospital admission' },
  ambulatory: { system: SYSTEMS.snomed, code: '185349003', display: 'Encounter for check up' },
  emergency: { system: SYSTEMS.snomed, code: '50849002', display: 'Emergency room admission' },
} as const satisfies Record<string, Coding>

export type EncounterKind = keyof typeof ENCOUNTER_CLASSES

/** A CodeableConcept with one coding and matching text. */
export const concept = (system: string, code: Code): CodeableConcept => ({ coding: [{ system, code: code.code, display: code.display }], text: code.display })

/** The synthetic demographics: every name and address is plainly invented. */
export const FAKE = {
  family: ['Testperson', 'Synthetica', 'Fakeworth', 'Mockingbird', 'Placeholder', 'Sampleton', 'Dummyfield', 'Notreal'],
  givenFemale: ['Ada', 'Beatrix', 'Clara', 'Dora', 'Edith', 'Flora', 'Greta', 'Hilda', 'Iris', 'Juno'],
  givenMale: ['Albert', 'Bruno', 'Cyril', 'Dexter', 'Emil', 'Felix', 'Gus', 'Hugo', 'Ivo', 'Jasper'],
  streets: ['Synthetic Lane', 'Example Street', 'Fixture Road', 'Mock Avenue', 'Seeded Way'],
  city: 'Testville',
  state: 'ZZ',
  mrnSystem: 'https://nexora.example/fhir/synthetic-mrn',
} as const
