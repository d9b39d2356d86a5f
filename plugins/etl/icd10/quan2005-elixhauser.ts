/**
 * Elixhauser comorbidities: the ICD-10 coding algorithm of
 *
 *   Quan H, Sundararajan V, Halfon P, Fong A, Burnand B, Luthi JC, Saunders LD, Beck CA,
 *   Feasby TE, Ghali WA. Coding algorithms for defining comorbidities in ICD-9-CM and ICD-10
 *   administrative data. Med Care 2005;43(11):1130-1139. doi:10.1097/01.mlr.0000182534.19832.83
 *   (Table 2, "ICD-10" column).
 *
 * Entries are prefixes, with the published ranges written out, and the published text in the
 * comment above each list. Cross-checked entry by entry against the authors' SAS macro (as
 * shipped in the R `icd` package, data-raw/ICD10_Elixhauser.sas) and the R `comorbidity`
 * package (`elixhauser_icd10` map); the test suite re-checks them against an independently
 * typed copy. See docs/icd10.md.
 *
 * As published, some codes count towards two conditions (F31.5 is a psychosis and depression;
 * I42.6 and K70.0/K70.3/K70.9 are also alcohol abuse), and some categories are WHO-only (B21,
 * B22, B24, C97, E12, E14, G22, G41, I98, J46, Z50) and never match ICD-10-CM codes.
 */

/**
 * The 31 Elixhauser conditions, with the short names the R `comorbidity` package uses.
 *
 * @example
 * ELIXHAUSER_CONDITIONS.length // 31
 */
export const ELIXHAUSER_CONDITIONS = [
  'chf',
  'carit',
  'valv',
  'pcd',
  'pvd',
  'hypunc',
  'hypc',
  'para',
  'ond',
  'cpd',
  'diabunc',
  'diabc',
  'hypothy',
  'rf',
  'ld',
  'pud',
  'aids',
  'lymph',
  'metacanc',
  'solidtum',
  'rheumd',
  'coag',
  'obes',
  'wloss',
  'fed',
  'blane',
  'dane',
  'alcohol',
  'drug',
  'psycho',
  'depre',
] as const

export type ElixhauserCondition = (typeof ELIXHAUSER_CONDITIONS)[number]

/**
 * Display names, as in Quan et al. (2005) Table 2.
 *
 * @example
 * ELIXHAUSER_LABELS.fed // 'Fluid and electrolyte disorders'
 */
export const ELIXHAUSER_LABELS: Readonly<Record<ElixhauserCondition, string>> = {
  chf: 'Congestive heart failure',
  carit: 'Cardiac arrhythmias',
  valv: 'Valvular disease',
  pcd: 'Pulmonary circulation disorders',
  pvd: 'Peripheral vascular disorders',
  hypunc: 'Hypertension, uncomplicated',
  hypc: 'Hypertension, complicated',
  para: 'Paralysis',
  ond: 'Other neurological disorders',
  cpd: 'Chronic pulmonary disease',
  diabunc: 'Diabetes, uncomplicated',
  diabc: 'Diabetes, complicated',
  hypothy: 'Hypothyroidism',
  rf: 'Renal failure',
  ld: 'Liver disease',
  pud: 'Peptic ulcer disease excluding bleeding',
  aids: 'AIDS/HIV',
  lymph: 'Lymphoma',
  metacanc: 'Metastatic cancer',
  solidtum: 'Solid tumor without metastasis',
  rheumd: 'Rheumatoid arthritis/collagen vascular diseases',
  coag: 'Coagulopathy',
  obes: 'Obesity',
  wloss: 'Weight loss',
  fed: 'Fluid and electrolyte disorders',
  blane: 'Blood loss anemia',
  dane: 'Deficiency anemia',
  alcohol: 'Alcohol abuse',
  drug: 'Drug abuse',
  psycho: 'Psychoses',
  depre: 'Depression',
}

/**
 * Quan (2005) ICD-10 prefixes per Elixhauser condition.
 *
 * @example
 * ELIXHAUSER_ICD10_QUAN2005.obes // ['E66']
 */
export const ELIXHAUSER_ICD10_QUAN2005: Readonly<Record<ElixhauserCondition, readonly string[]>> = {
  // I09.9, I11.0, I13.0, I13.2, I25.5, I42.0, I42.5–I42.9, I43.x, I50.x, P29.0
  chf: ['I09.9', 'I11.0', 'I13.0', 'I13.2', 'I25.5', 'I42.0', 'I42.5', 'I42.6', 'I42.7', 'I42.8', 'I42.9', 'I43', 'I50', 'P29.0'],
  // I44.1–I44.3, I45.6, I45.9, I47.x–I49.x, R00.0, R00.1, R00.8, T82.1, Z45.0, Z95.0
  carit: ['I44.1', 'I44.2', 'I44.3', 'I45.6', 'I45.9', 'I47', 'I48', 'I49', 'R00.0', 'R00.1', 'R00.8', 'T82.1', 'Z45.0', 'Z95.0'],
  // A52.0, I05.x–I08.x, I09.1, I09.8, I34.x–I39.x, Q23.0–Q23.3, Z95.2–Z95.4
  valv: [
    'A52.0',
    'I05',
    'I06',
    'I07',
    'I08',
    'I09.1',
    'I09.8',
    'I34',
    'I35',
    'I36',
    'I37',
    'I38',
    'I39',
    'Q23.0',
    'Q23.1',
    'Q23.2',
    'Q23.3',
    'Z95.2',
    'Z95.3',
    'Z95.4',
  ],
  // I26.x, I27.x, I28.0, I28.8, I28.9
  pcd: ['I26', 'I27', 'I28.0', 'I28.8', 'I28.9'],
  // I70.x, I71.x, I73.1, I73.8, I73.9, I77.1, I79.0, I79.2, K55.1, K55.8, K55.9, Z95.8, Z95.9
  pvd: ['I70', 'I71', 'I73.1', 'I73.8', 'I73.9', 'I77.1', 'I79.0', 'I79.2', 'K55.1', 'K55.8', 'K55.9', 'Z95.8', 'Z95.9'],
  // I10.x
  hypunc: ['I10'],
  // I11.x–I13.x, I15.x
  hypc: ['I11', 'I12', 'I13', 'I15'],
  // G04.1, G11.4, G80.1, G80.2, G81.x, G82.x, G83.0–G83.4, G83.9
  para: ['G04.1', 'G11.4', 'G80.1', 'G80.2', 'G81', 'G82', 'G83.0', 'G83.1', 'G83.2', 'G83.3', 'G83.4', 'G83.9'],
  // G10.x–G13.x, G20.x–G22.x, G25.4, G25.5, G31.2, G31.8, G31.9, G32.x, G35.x–G37.x, G40.x, G41.x, G93.1, G93.4, R47.0, R56.x
  ond: [
    'G10',
    'G11',
    'G12',
    'G13',
    'G20',
    'G21',
    'G22',
    'G25.4',
    'G25.5',
    'G31.2',
    'G31.8',
    'G31.9',
    'G32',
    'G35',
    'G36',
    'G37',
    'G40',
    'G41',
    'G93.1',
    'G93.4',
    'R47.0',
    'R56',
  ],
  // I27.8, I27.9, J40.x–J47.x, J60.x–J67.x, J68.4, J70.1, J70.3
  cpd: [
    'I27.8',
    'I27.9',
    'J40',
    'J41',
    'J42',
    'J43',
    'J44',
    'J45',
    'J46',
    'J47',
    'J60',
    'J61',
    'J62',
    'J63',
    'J64',
    'J65',
    'J66',
    'J67',
    'J68.4',
    'J70.1',
    'J70.3',
  ],
  // E10.0, E10.1, E10.9, and the same for E11, E12, E13, E14
  diabunc: ['E10.0', 'E10.1', 'E10.9', 'E11.0', 'E11.1', 'E11.9', 'E12.0', 'E12.1', 'E12.9', 'E13.0', 'E13.1', 'E13.9', 'E14.0', 'E14.1', 'E14.9'],
  // E10.2–E10.8, and the same for E11, E12, E13, E14
  diabc: [
    'E10.2',
    'E10.3',
    'E10.4',
    'E10.5',
    'E10.6',
    'E10.7',
    'E10.8',
    'E11.2',
    'E11.3',
    'E11.4',
    'E11.5',
    'E11.6',
    'E11.7',
    'E11.8',
    'E12.2',
    'E12.3',
    'E12.4',
    'E12.5',
    'E12.6',
    'E12.7',
    'E12.8',
    'E13.2',
    'E13.3',
    'E13.4',
    'E13.5',
    'E13.6',
    'E13.7',
    'E13.8',
    'E14.2',
    'E14.3',
    'E14.4',
    'E14.5',
    'E14.6',
    'E14.7',
    'E14.8',
  ],
  // E00.x–E03.x, E89.0
  hypothy: ['E00', 'E01', 'E02', 'E03', 'E89.0'],
  // I12.0, I13.1, N18.x, N19.x, N25.0, Z49.0–Z49.2, Z94.0, Z99.2
  rf: ['I12.0', 'I13.1', 'N18', 'N19', 'N25.0', 'Z49.0', 'Z49.1', 'Z49.2', 'Z94.0', 'Z99.2'],
  // B18.x, I85.x, I86.4, I98.2, K70.x, K71.1, K71.3–K71.5, K71.7, K72.x–K74.x, K76.0, K76.2–K76.9, Z94.4
  ld: [
    'B18',
    'I85',
    'I86.4',
    'I98.2',
    'K70',
    'K71.1',
    'K71.3',
    'K71.4',
    'K71.5',
    'K71.7',
    'K72',
    'K73',
    'K74',
    'K76.0',
    'K76.2',
    'K76.3',
    'K76.4',
    'K76.5',
    'K76.6',
    'K76.7',
    'K76.8',
    'K76.9',
    'Z94.4',
  ],
  // K25.7, K25.9, K26.7, K26.9, K27.7, K27.9, K28.7, K28.9
  pud: ['K25.7', 'K25.9', 'K26.7', 'K26.9', 'K27.7', 'K27.9', 'K28.7', 'K28.9'],
  // B20.x–B22.x, B24.x
  aids: ['B20', 'B21', 'B22', 'B24'],
  // C81.x–C85.x, C88.x, C96.x, C90.0, C90.2
  lymph: ['C81', 'C82', 'C83', 'C84', 'C85', 'C88', 'C96', 'C90.0', 'C90.2'],
  // C77.x–C80.x
  metacanc: ['C77', 'C78', 'C79', 'C80'],
  // C00.x–C26.x, C30.x–C34.x, C37.x–C41.x, C43.x, C45.x–C58.x, C60.x–C76.x, C97.x
  solidtum: [
    'C00',
    'C01',
    'C02',
    'C03',
    'C04',
    'C05',
    'C06',
    'C07',
    'C08',
    'C09',
    'C10',
    'C11',
    'C12',
    'C13',
    'C14',
    'C15',
    'C16',
    'C17',
    'C18',
    'C19',
    'C20',
    'C21',
    'C22',
    'C23',
    'C24',
    'C25',
    'C26',
    'C30',
    'C31',
    'C32',
    'C33',
    'C34',
    'C37',
    'C38',
    'C39',
    'C40',
    'C41',
    'C43',
    'C45',
    'C46',
    'C47',
    'C48',
    'C49',
    'C50',
    'C51',
    'C52',
    'C53',
    'C54',
    'C55',
    'C56',
    'C57',
    'C58',
    'C60',
    'C61',
    'C62',
    'C63',
    'C64',
    'C65',
    'C66',
    'C67',
    'C68',
    'C69',
    'C70',
    'C71',
    'C72',
    'C73',
    'C74',
    'C75',
    'C76',
    'C97',
  ],
  // L94.0, L94.1, L94.3, M05.x, M06.x, M08.x, M12.0, M12.3, M30.x, M31.0–M31.3, M32.x–M35.x, M45.x, M46.1, M46.8, M46.9
  rheumd: [
    'L94.0',
    'L94.1',
    'L94.3',
    'M05',
    'M06',
    'M08',
    'M12.0',
    'M12.3',
    'M30',
    'M31.0',
    'M31.1',
    'M31.2',
    'M31.3',
    'M32',
    'M33',
    'M34',
    'M35',
    'M45',
    'M46.1',
    'M46.8',
    'M46.9',
  ],
  // D65–D68.x, D69.1, D69.3–D69.6
  coag: ['D65', 'D66', 'D67', 'D68', 'D69.1', 'D69.3', 'D69.4', 'D69.5', 'D69.6'],
  // E66.x
  obes: ['E66'],
  // E40.x–E46.x, R63.4, R64
  wloss: ['E40', 'E41', 'E42', 'E43', 'E44', 'E45', 'E46', 'R63.4', 'R64'],
  // E22.2, E86.x, E87.x
  fed: ['E22.2', 'E86', 'E87'],
  // D50.0
  blane: ['D50.0'],
  // D50.8, D50.9, D51.x–D53.x
  dane: ['D50.8', 'D50.9', 'D51', 'D52', 'D53'],
  // F10, E52, G62.1, I42.6, K29.2, K70.0, K70.3, K70.9, T51.x, Z50.2, Z71.4, Z72.1
  alcohol: ['F10', 'E52', 'G62.1', 'I42.6', 'K29.2', 'K70.0', 'K70.3', 'K70.9', 'T51', 'Z50.2', 'Z71.4', 'Z72.1'],
  // F11.x–F16.x, F18.x, F19.x, Z71.5, Z72.2
  drug: ['F11', 'F12', 'F13', 'F14', 'F15', 'F16', 'F18', 'F19', 'Z71.5', 'Z72.2'],
  // F20.x, F22.x–F25.x, F28.x, F29.x, F30.2, F31.2, F31.5
  psycho: ['F20', 'F22', 'F23', 'F24', 'F25', 'F28', 'F29', 'F30.2', 'F31.2', 'F31.5'],
  // F20.4, F31.3–F31.5, F32.x, F33.x, F34.1, F41.2, F43.2
  depre: ['F20.4', 'F31.3', 'F31.4', 'F31.5', 'F32', 'F33', 'F34.1', 'F41.2', 'F43.2'],
}
