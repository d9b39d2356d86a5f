import type { DocBuilder } from './doc-builder.ts'
import type { Values } from './values.ts'

/** Eponymous diseases: names inside that are not PHI. */
const EPONYMS = [
  "Parkinson's disease",
  'Hodgkin lymphoma',
  "Alzheimer's dementia",
  "Crohn's disease",
  "Graves' disease",
  'Addison disease',
  'Cushing syndrome',
  'Down syndrome',
  "Bell's palsy",
  'Wilson disease',
  'Huntington disease',
  'Guillain-Barre syndrome',
  'Hashimoto thyroiditis',
  'Raynaud phenomenon',
  'Barrett esophagus',
]

/** A sentence template: appends text + gold-annotated PHI to the builder. */
export type Template = (b: DocBuilder, v: Values) => void

/** Non-PHI clinical filler, incl. adversarial numbers (doses, labs, BP, rooms, times, counts, bare years) and eponyms. */
export const FILLER: Template[] = [
  (b, v) =>
    b.t(
      `BP ${v.int(95, 170)}/${v.int(55, 100)}, HR ${v.int(50, 120)}, RR ${v.int(12, 24)}, T ${v.int(36, 39)}.${v.int(0, 9)} C, SpO2 ${v.int(88, 100)}% on ` +
        `room air.`,
    ),
  (b, v) => b.t(`Started metformin ${v.pick([500, 850, 1000])} mg PO BID and lisinopril ${v.pick([5, 10, 20])} mg daily.`),
  (b, v) =>
    b.t(
      `Labs: Na ${v.int(130, 146)}, K ${v.int(3, 5)}.${v.int(0, 9)}, Cr ${v.int(0, 2)}.${v.int(1, 9)}, Hgb ${v.int(8, 16)}.${v.int(0, 9)} g/dL, WBC ` +
        `${v.int(3, 15)}.${v.int(0, 9)}, glucose ${v.int(70, 300)} mg/dL.`,
    ),
  (b, v) => b.t(`Patient moved to room ${v.int(100, 999)}, bed ${v.pick(['A', 'B'])}. Will reassess at ${v.int(1, 12)}:${v.pick(['00', '15', '30', '45'])}.`),
  (b, v) => b.t(`History of ${v.pick(EPONYMS)}, stable.`),
  (b, v) =>
    b.t(`Take 1/2 tablet at bedtime; ${v.int(2, 6)} of ${v.int(6, 10)} doses given. Gleason score ${v.int(6, 9)}, Apgar ${v.int(7, 9)}/${v.int(8, 10)}.`),
  (b, v) => b.t(`Diagnosed in ${v.int(1990, 2022)}; A1c ${v.int(5, 11)}.${v.int(0, 9)}% and LDL ${v.int(60, 190)}. Walked ${v.int(50, 400)} feet with PT.`),
  (b) => b.t(`Patient will follow up as needed. May need repeat imaging. Hope to taper steroids. Will Bill insurance per policy.`),
  (b, v) => b.t(`Foley catheter removed; Murphy sign negative, Babinski downgoing, ${v.int(2, 4)}+ pulses bilaterally.`),
  (b, v) => b.t(`Weight ${v.int(45, 130)} kg, height ${v.int(150, 195)} cm, BMI ${v.int(18, 40)}.${v.int(0, 9)}. Pain ${v.int(0, 10)}/10.`),
  (b, v) => b.t(`A ${v.int(18, 89)}-year-old with a ${v.int(5, 40)} pack-year history, age ${v.int(20, 89)} at diagnosis.`),
  (b) => b.t(`No acute distress. Lungs clear. Heart regular rate and rhythm. Abdomen soft, non-tender.`),
  (b, v) =>
    b.t(
      `Follow up in ${v.pick(['Cardiology Clinic', 'Urgent Care', 'Primary Care', 'the Sleep Clinic', 'Wound Clinic'])} in ${v.int(1, 6)} weeks; ` +
        `discussed at Tumor Board.`,
    ),
  (b, v) =>
    b.t(`Continue Lasix ${v.pick([20, 40])} mg, Coumadin per INR ${v.int(1, 3)}.${v.int(0, 9)}, and Norvasc. Jackson-Pratt drain output ${v.int(10, 90)} mL.`),
  (b, v) => b.t(`Glucose rose to ${v.int(150, 320)} after lunch. Mark the chart if Grace period applies. Brown sputum, White count ${v.int(4, 18)}.`),
  (b, v) =>
    b.t(`ECOG ${v.int(0, 3)}, NYHA class ${v.pick(['II', 'III'])}, CHA2DS2-VASc ${v.int(1, 6)}, Wells score ${v.int(0, 6)}. Down syndrome screening negative.`),
  (b, v) =>
    b.t(
      `EKG at ${v.int(1, 12)}:${v.int(10, 59)} showed QTc ${v.int(380, 500)} ms; ${v.int(2, 5)} of ${v.int(5, 9)} cultures pending, lot ${v.int(100, 999)}A.`,
    ),
]

/** Sentences that carry PHI of every type, including adversarial forms. */
export const PHI_SENTENCES: Template[] = [
  (b, v) => {
    b.t('Seen by Dr. ').phi('NAME', v.last()).t(' in clinic on ').phi('DATE', v.date()).t('.')
  },
  (b, v) => {
    b.t('Referred by ').phi('NAME', `${v.first()} ${v.last()}`).t(', MD, at ').phi('LOCATION', v.hospital()).t('.')
  },
  (b, v) => {
    b.t('Pt ').phi('NAME', `${v.first()} ${v.last()}`.toLowerCase()).t(' presents with cough.')
  },
  (b, v) => {
    b.t(v.pick(['Son', 'Daughter', 'Wife', 'Husband']))
      .t(' ')
      .phi('NAME', v.first())
      .t(' at bedside, can be reached at ')
      .phi('PHONE', v.phone())
      .t('.')
  },
  (b, v) => {
    b.phi('NAME', v.bareFullName()).t(' called the clinic about refills.')
  },
  (b, v) => {
    b.t('Mrs. ')
      .phi('NAME', v.last())
      .t(' is a ')
      .phi('AGE', String(v.int(90, 104)))
      .t('-year-old woman.')
  },
  (b, v) => {
    b.t('Patient is ')
      .phi('AGE', String(v.int(90, 101)))
      .t(v.pick([' yo', ' y/o', ' years old']))
      .t(' with CHF.')
  },
  (b, v) => {
    b.t('Lives at ')
      .phi('ADDRESS', `${v.street()}${v.chance(0.4) ? ', ' + v.unit() : ''}`)
      .t(', ')
      .phi('CITY', v.generatedCity())
      .t(', ')
      .t(v.state())
      .t(' ')
      .phi('ZIP', v.zip())
      .t('.')
  },
  (b, v) => {
    b.t('She lives in ').phi('CITY', v.city()).t(' with her sister.')
  },
  (b, v) => {
    b.t('SSN: ')
      .phi('SSN', v.ssn())
      .t('. ')
      .t(v.pick(['MRN: ', 'MRN ', 'Medical record #: ']))
      .phi('MRN', v.mrn())
      .t('.')
  },
  (b, v) => {
    b.t('Email ').phi('EMAIL', v.email()).t(' or use the portal at ').phi('URL', v.url()).t(' .')
  },
  (b, v) => {
    b.t('Login from IP ').phi('IP', v.ip()).t(' flagged by security.')
  },
  (b, v) => {
    b.t('Fax records to ').phi('FAX', v.phone()).t('; phone ').phi('PHONE', v.phone()).t('.')
  },
  (b, v) => {
    b.t('Member ID: ')
      .phi('HEALTH_PLAN_ID', `${v.pick(['XJH', 'BCB', 'MCD'])}${v.int(100000000, 999999999)}`)
      .t(', Acct #: ')
      .phi('ACCOUNT', String(v.int(1000000, 99999999)))
      .t('.')
  },
  (b, v) => {
    b.t('Paid with card ').phi('ACCOUNT', v.card()).t(' today.')
  },
  (b, v) => {
    b.t('DEA number: ')
      .phi('LICENSE', `${v.pick(['A', 'B', 'M'])}${v.pick(['S', 'K', 'J'])}${v.int(1000000, 9999999)}`)
      .t("; driver's license ")
      .phi('LICENSE', `D${v.int(1000000, 9999999)}`)
      .t('.')
  },
  (b, v) => {
    b.t('Arrived by car, VIN ')
      .phi('VEHICLE_ID', v.f.vehicle.vin())
      .t(', license plate ')
      .phi('VEHICLE_ID', `${v.int(1, 9)}${v.alnum(5)}`)
      .t('.')
  },
  (b, v) => {
    b.t('Pacemaker serial number: ')
      .phi('DEVICE_ID', `PM${v.int(100000, 999999)}`)
      .t(', device ID ')
      .phi('DEVICE_ID', v.alnum(9))
      .t('.')
  },
  (b, v) => {
    b.t('Fingerprint ID ')
      .phi('BIOMETRIC_ID', `FP-${v.int(10000, 99999)}`)
      .t(' on file.')
  },
  (b, v) => {
    b.t('Admitted ')
      .phi(
        'DATE',
        v.partialDate().replace(/^\d+\/\d+$/, (x) => x),
      )
      .t(' per records.')
  },
  (b, v) => {
    b.t('Two days after admission on ')
      .phi('DATE', `${v.int(1, 12)}/${v.int(1, 28)}`)
      .t(' she improved.')
  },
  (b, v) => {
    b.t('Last seen ').phi('DATE', v.partialDate()).t(' at ').phi('LOCATION', v.hospital()).t('.')
  },
  (b, v) => {
    b.t('Name: ')
      .phi('NAME', `${v.pick(['Will', 'Hope', 'May', 'Bill', 'Grace', 'Mark', 'Faith', 'Joy'])} ${v.last()}`)
      .t('. DOB: ')
      .phi('DATE', v.date())
      .t('.')
  },
  (b, v) => {
    b.t('Discussed with Dr. ').phi('NAME', `${v.first()} ${v.last()}`).t(' and Ms. ').phi('NAME', v.last()).t(' (case manager).')
  },
  (b, v) => {
    b.t('Mr. ')
      .phi('NAME', v.pick(['Parkinson', 'Hodgkin', 'Graves', 'Wilson', 'Addison', 'Crohn']))
      .t(' was admitted for pneumonia.')
  },
  (b, v) => {
    b.t('Patient ID: ')
      .phi('ID', `${v.alnum(6)}`)
      .t('. Mailing address ')
      .phi('ADDRESS', `PO Box ${v.int(10, 9999)}`)
      .t(', ZIP ')
      .phi('ZIP', v.zip())
      .t('.')
  },
  (b, v) => {
    b.t('Transferred from ').phi('LOCATION', v.hospital()).t(' on ').phi('DATE', v.date()).t('.')
  },
  (b, v) => {
    b.t('Message from 😊 patient ').phi('NAME', `${v.first()} ${v.last()}`).t(' — 謝謝 — re: appointment ').phi('DATE', v.date()).t('.')
  },
  (b, v) => {
    b.t('Accompanied by her daughter ').phi('NAME', v.first().toLowerCase()).t(' today.')
  },
  (b, v) => {
    b.t('Signed: ')
      .phi('NAME', `${v.first()} ${v.last()}`)
      .t(', RN, ')
      .phi('DATE', v.date())
      .t(' ')
      .t(`${v.int(1, 12)}:${v.int(10, 59)}`)
      .t('.')
  },
]
