/**
 * Clinical words that are not in an English dictionary but are never PHI: abbreviations, nursing
 * and charting shorthand, units, devices, scores, lab and drug names (generic and common brands).
 * Written by hand from general clinical knowledge (standard abbreviation lists, formularies), not
 * from any annotated corpus, so that evaluating on real notes stays honest. Lower case; one token
 * each (split multi-word terms). Grouped only to keep the list reviewable.
 */
const GROUPS = {
 charting: `pt pts pt's pmh hpi hx fhx shx ros cc c/o s/p w/ w/o d/c dc dc'd d/c'd dcd f/u fu r/o h/o y/o yo yr yrs yrs' hrs hr hrly min mins
 sec secs wk wks mo mos q qd qid bid tid qod qhs qam qpm qh prn stat ac pc hs npo po pr sl sq sc subq subcut im iv ivp ivpb ivf ivb kvo tko
 gtt gtts drip drips bolus boluses cont con't contd cont'd contin continous amt amts approx appt adm admit'd adm'd admit d/t b/c w/in
 eval evals reeval re-eval tx txs rx rxs sx sxs dx ddx fx fxs bx hx/o neg pos nl wnl wfl nad ok abn approx pls pre-op preop postop post-op
 periop intraop intra-op op ops re: f/b s/s sob doe pnd orthopnea cp c/p n/v n/v/d v/d abd pain ha h/a lbp uri uti cva tia mi ami nstemi
 stemi cad chf hf hfref hfpef copd cap hap vap ards dka hhs aki ckd esrd pe dvt vte afib a-fib af aflutter flutter svt vt vf vfib pea
 asystole nsr sr st sb sinus brady tachy bradycardic tachycardic pvc pvcs pac pacs lbbb rbbb ivcd avb chb wpw lvh rvh ef lvef rv lv ra la
 mr tr ar as ms ps pda asd vsd pfo cabg cabgx ptca pci des bms stent stents restent lima rima svg dx ptx htx hemothorax ards htn hld dm
 dm2 iddm niddm t2dm t1dm gerd pud gib ugib lgib bph osa etoh ivdu ivda hep hcv hbv hiv aids tb mrsa vre cdiff c-diff esbl vrsa ctx
 ams loc gcs perrl perrla eomi mae maew rom arom prom gait dtr dtrs babinski nih nihss rass cam-icu camicu cpot bps flacc gcs
 resp neuro cardiac cv cvs gi gu gyn ob integ skin endo heme id psych psychosoc psychosocial soc social ext extrem extrems pulm renal
 lungs ls bs bss cta ctab rhonchi rales wheezes wheeze creps crackles diminished dim'd coarse clr clear bibasilar basilar ausc
 vs vss t tmax temp hr bp sbp dbp map nbp abp art aline a-line cvp pcwp pad pas pap svr pvr ci co svo2 scvo2 mvo2 spo2 sao2 pao2
 paco2 fio2 peep cpap bipap nippv niv psv ps prvc simv ac imv vc pc aprv tv vt rr mv ve pip pplat ett ott et trach trachs tracheostomy
 nc nrb fm venti ventimask face-tent facetent hfnc hiflow opti-flow optiflow vent vents weaning wean weaned extub extubated extubation
 reintub reintubated intub intubated sxn sxn'd sx'd suctioned suctn suct lavage cpt ibw pbw abg abgs vbg lytes bmp cmp cbc diff pt/inr
 inr ptt aptt hct hgb h/h plt plts wbc wbcs rbc rbcs bun cr creat gfr egfr na k cl co2 hco3 ag mg mag phos ca ica ionized lactate lac
 trop trops tnt tni ck cpk ckmb mb bnp ntprobnp ddimer d-dimer fibrinogen crp esr alt ast alk alkphos tbili dbili bili alb ldh lipase
 amylase tsh a1c hba1c ua ucx bcx bcxs cx cxs gs gram urine uo uop u/o huo foley texas condom-cath straight-cath cic void voids voided
 bm bms stool stools ostomy colostomy ileostomy ng ngt og ogt dht peg pej j-tube g-tube gt jt tf tfs tpn ppn npo clears cl-liq adat
 diet ivf nss ns 1/2ns d5w d5 d5ns d51/2 lr lrs prbc prbcs ffp plts cryo alb albumin hespan iabp ecmo lvad rvad impella
 pa-line swan swan-ganz cordis introducer picc cvl tlc tlcs hohn port-a-cath portacath mediport ij sc subclav fem femoral art-line
 piv pivs iv's ivs angio angiocath ct cta mri mra echo tte tee ekg ecg cxr kub ua eeg emg ir ep cath cath'd cathed lhc rhc
 us usg doppler dop palp palpable triphasic biphasic monophasic mdi neb nebs hhn inh
 ccu micu sicu csru cvicu nicu picu pacu icu er ed or osh nh snf ecf ltac ltach rehab rehabs acute-rehab floor tele telemetry stepdown
 step-down sdu obs ob/gyn l&d ir cath-lab cathlab endo-suite pt/ot ot slp swallow rt rn rns np nps pa pas md mds do dr drs dds pharm
 pharmd cm sw msw lcsw cna lpn np's md's rn's cnp crna mdc hcp hcpoa poa dpoa dnr dni dnr/dni cmo mso4 fyi pcp nok
 noc noct overnight am pm a.m. p.m. hrs' shift shifts o/n n/o sbt rsbi mdi nmb nmba
 q1h q2h q3h q4h q6h q8h q12h q24h q1 q2 q4 q6 q8 q12 q24 qmon qshift hourly bid/tid x1 x2 x3 x4 x5 x10 x24
 i/o io i&o ins outs neg pos even +ve -ve lbs lb kg kgs g gm gms mg mgs mcg mcgs ug ng ml mls cc ccs l liter liters dl meq meqs mmol
 mmhg mm cm cms mm/hg bpm u units unit iu mu mcg/kg/min mcg/min mg/hr mg/h u/hr units/hr ml/hr cc/hr cc/h ml/h gtt/min pct cal kcal
 sats sat o2 02 co-ox ox rass sed sedate sedated sedation drsg dsg dsd drsgs dsgs drg drain drains jp jps blake penrose
 chest-tube ct's cts mediastinal pleural pneumo incision incisional sternal stern sternotomy thoracotomy vats crani craniotomy lami
 laminectomy lap ex-lap xlap appy chole lap-chole turp tah bso c-section csection svd nsvd`,
 drugs: `lasix furosemide bumex bumetanide torsemide hctz metolazone diuril chlorothiazide spironolactone aldactone lopressor metoprolol toprol
 atenolol carvedilol coreg labetalol esmolol propranolol nadolol diltiazem dilt cardizem verapamil amlodipine norvasc nifedipine
 nicardipine cardene clevidipine hydralazine nitroglycerin ntg nitro nitropaste nitroprusside nipride snp isordil imdur captopril
 enalapril enalaprilat lisinopril ramipril losartan valsartan digoxin dig amiodarone amio cordarone lidocaine procainamide
 adenosine atropine epinephrine epi norepinephrine levophed levo neo neosynephrine phenylephrine vasopressin vaso dopamine dopa
 dobutamine dobut milrinone primacor isoproterenol isuprel heparin hep lovenox enoxaparin fondaparinux argatroban bivalirudin
 integrilin eptifibatide reopro abciximab aggrastat tirofiban plavix clopidogrel ticagrelor brilinta prasugrel
 asa aspirin coumadin warfarin eliquis apixaban xarelto rivaroxaban pradaxa dabigatran tpa alteplase tnk vitk vit-k protamine
 kcentra ddavp desmopressin statin atorvastatin lipitor simvastatin zocor pravastatin rosuvastatin crestor insulin lantus
 glargine levemir nph humalog lispro novolog aspart regular ssi metformin glipizide glyburide januvia dextrose d50 glucagon
 propofol diprivan versed midazolam ativan lorazepam valium diazepam precedex dexmedetomidine fentanyl fent morphine mso4 ms04
 dilaudid hydromorphone oxycodone percocet vicodin norco tylenol acetaminophen apap toradol ketorolac motrin ibuprofen
 naproxen tramadol ultram haldol haloperidol seroquel quetiapine zyprexa olanzapine risperdal risperidone ambien zolpidem
 benadryl diphenhydramine hydroxyzine atarax trazodone melatonin ketamine etomidate succinylcholine sux rocuronium roc
 vecuronium vec cisatracurium nimbex neostigmine glycopyrrolate robinul narcan naloxone flumazenil romazicon colace docusate
 senna senokot dulcolax bisacodyl miralax lactulose mom fleet ducolax reglan metoclopramide zofran ondansetron compazine
 prochlorperazine phenergan promethazine protonix pantoprazole nexium esomeprazole prilosec omeprazole pepcid famotidine
 zantac ranitidine carafate sucralfate maalox mylanta simethicone imodium loperamide kayexalate lokelma sevelamer renvela
 calcium kcl kphos k-phos nacl nahco3 bicarb magnesium mgso4 mag-ox phos-nak neutraphos vanco vancomycin zosyn piperacillin
 cefazolin ancef ceftriaxone rocephin cefepime maxipime ceftazidime fortaz cefoxitin cefuroxime keflex cephalexin unasyn
 augmentin amox amoxicillin ampicillin amp pcn penicillin nafcillin oxacillin gent gentamicin tobra tobramycin amikacin
 cipro ciprofloxacin levaquin levofloxacin moxifloxacin avelox azithro azithromycin zithromax erythromycin clinda clindamycin
 flagyl metronidazole bactrim tmp-smx doxy doxycycline linezolid zyvox dapto daptomycin meropenem merrem imipenem primaxin
 ertapenem invanz aztreonam colistin fluconazole diflucan micafungin caspofungin voriconazole ambisome acyclovir valtrex
 ganciclovir tamiflu oseltamivir rifampin isoniazid solumedrol methylprednisolone prednisone pred decadron dexamethasone
 hydrocortisone solucortef fludrocortisone albuterol ventolin atrovent ipratropium duoneb combivent xopenex levalbuterol
 spiriva advair symbicort flovent pulmicort mucomyst acetylcysteine guaifenesin robitussin synthroid levothyroxine
 keppra levetiracetam dilantin phenytoin fosphenytoin depakote valproate tegretol lamictal gabapentin neurontin lyrica
 pregabalin baclofen flexeril cyclobenzaprine tizanidine sinemet aricept donepezil namenda zoloft sertraline prozac
 fluoxetine lexapro escitalopram celexa citalopram paxil wellbutrin bupropion effexor venlafaxine cymbalta remeron
 mirtazapine lithium thiamine folate folic mvi multivitamin ferrous fe epogen procrit aranesp neupogen filgrastim
 tums oscal os-cal vit vitamin cholecalciferol ergocalciferol nicotine nicoderm chantix ceftaroline tigecycline`,
 nursing: `tol tol'd tolerating tolerates tol'g rec'd recd rcvd rec rcv'd recv'd gvn given pn pnc bsc oob chair c/d/i cdi d/i dry intact
 ambulating amb amb'd ambulate ambul assist assisted 1assist 2assist hoyer lift turned turning repositioned repo skin-care
 mepilex duoderm tegaderm xeroform kerlix ace wrap steri-strips steristrips staples sutures serous serosanguinous
 sanguinous purulent bloody drainage bleb blebs ecchymosis ecchymotic edema edematous pitting pedal periorbital
 anasarca mottled mottling cyanotic pallor pale pink warm cool clammy diaphoretic diaphoresis afebrile febrile lethargic
 somnolent arousable obtunded oriented a&o a&ox3 aox3 aox1 aox2 ox3 ox2 ox1 mae's follows commands nods mouths mouthing
 restless agitated agitation anxious calm cooperative combative confused confusion delirium delirious restraints
 restrained soft-restraints sitter safety fall falls bedrest bed rest hob pillows pillow comfort comfortable pain-free
 medicated premedicated prn'd dozing sleeping slept napping rested resting awake alert responsive unresponsive
 pupils pupil brisk sluggish nonreactive reactive equal round grips strong weak weakness flaccid spastic tremor tremors
 seizure seizures szs sz twitching myoclonus bsg fsbg fsbs fingerstick fingersticks accucheck accuchecks accuchek glucometer
 ss sliding-scale riss rss pca pcea epidural intrathecal blocks nerve-block tap-block icepack heating-pad
 family dtr daughter son wife husband sister brother sibs sib mom dad parents grandson granddaughter niece nephew
 visited visiting visit visits updated update spoke informed aware notified paged page called phoned consult consulted
 consults dispo disposition transfer transferred transfered xfer xfered txfer tfr admitted discharged dc'ed d/c'ed
 plan plans goals goal comfort-care hospice code full-code fullcode dnr/dni cmo palliative pall-care pastoral chaplain
 interpreter translator language cantonese mandarin portuguese creole haitian spanish russian vietnamese
 flowsheet flowsheets metavision epic mar emar kardex`,
 systems: `epic cerner carevue careview metavision meditech allscripts athena athenahealth eclinicalworks pyxis omnicell alaris
 sigma baxter medfusion philips hl7 fhir emr ehr`,
 more: `nkda nka nkfa natrecor nesiritide serosanguinous serosanguineous tachypneic tachypnea tachypnoea bradypnea bradypneic
 dyspneic dyspnea dyspnoea apneic apnea hypopnea orthopneic rhonchorous rhonchous crepitus crepitant stridor stridorous
 hypoactive hyperactive normoactive hemodynamically hemodynamic hemodynamics vasoactive vasopressor vasopressors pressor
 pressors inotrope inotropes inotropic chronotropic diuresis diuresed diuresing diurese autodiuresing autodiuresis natriuresis
 oliguric anuric polyuric euvolemic hypovolemic hypervolemic hyperkalemia hypokalemia hyponatremia hypernatremia hypomagnesemia
 hypocalcemia hyperglycemia hypoglycemia hypoxemia hypoxemic hypercarbia hypercapnia hypercapnic acidosis alkalosis acidemia
 alkalemia coagulopathy coagulopathic thrombocytopenia leukocytosis leukopenia neutropenia anemia anemic bacteremia septicemia
 sepsis septic urosepsis ileus obstipation emesis hematemesis melena hematochezia hemoptysis epistaxis hematuria pyuria dysuria
 sternotomy thoracostomy pericardiocentesis paracentesis thoracentesis bronchoscopy bronch endoscopy egd colonoscopy
 extubate reintubate intubate trached decannulated decannulate cannula cannulated sedating desaturation desat desats
 titrate titrated titrating titration weanable paced pacing pacer pacemaker aicd icd defib defibrillator cardioversion
 cardioverted telemetry ectopy ectopic bigeminy trigeminy couplets nonsustained thermodilution fick ivig diamox acetazolamide
 mech mechanical liqs liq occ occas occasional purposeful purposefully respalor impact jevity ensure boost glucerna osmolite
 nepro promote replete peptamen vivonex`,
 devices: `quinton shiley bennett puritan bair hugger ganz swan weiss mallory trendelenburg trendelenberg raynaud raynauds foley
 hickman broviac groshong tenckhoff mahurkar blakemore sengstaken minnesota penrose pleurevac salem levin dobhoff corpak cortrak
 frazier yankauer ambu jackson pratt kelly kocher metzenbaum mayo bovie holter doppler fick swan-ganz jp hemovac portacath
 parkinson parkinsons hodgkin hodgkins alzheimer alzheimers crohn crohns graves addison cushing wilson huntington guillain barre
 epstein barr marfan kawasaki meniere paget reye turner klinefelter hashimoto buerger horner whipple homan homans murphy kernig
 brudzinski heimlich coombs gleason breslow apgar starling korotkoff cheyne stokes kussmaul virchow osler wernicke korsakoff
 broca lyme ewing wilms burkitt barrett zenker meckel hirschsprung wolff fallot eisenmenger romberg phalen tinel lachman allen
 valsalva nissen roux billroth hartmann colles sjogren tourette asperger kaposi gram babinski glasgow bence jones gehrig
 sturge weber dupuytren peyronie legionnaires hansen`,
 calendar: `monday tuesday wednesday thursday friday saturday sunday mon tues wed thurs fri sat sun weekend weekday`,
 extra: `aaox aaox3 aaox4 aox aox4 aoox atc ssri snri maoi nsaid nsaids ew zaroxolyn metolazone
 american italian irish french german spanish mexican chinese japanese korean indian russian polish greek portuguese brazilian
 haitian jamaican vietnamese cambodian filipino african caucasian hispanic latino latina asian european arabic hebrew`,
 scores: `nyha ccs timi chads chads2 chadsvasc cha2ds2-vasc hasbled has-bled curb curb-65 qsofa sofa apache meld ecog karnofsky
 mews pews braden morse cpot rass gcs nihss mrs asa wells geneva perc heart hemorrhage ranson bisap`,
 admin: `iban bic swift sort routing aba acct ssn dob mrn npi dea ein tin vin udi plz eircode postcode zip fax tel mob cell email
 www http https com org net gov edu`,
 units: `sec mmhg cmh2o cm/h2o h2o l/min lpm %fio2 fio2% kg/m2 bmi bsa mcg/kg mg/kg units/kg ml/kg/hr cc/kg/hr
 meq/l mg/dl g/dl mmol/l iu/l u/l ng/ml pg/ml x10 k/ul deg degree degrees celsius fahrenheit f c`,
} as const

/** Every token of the groups above, lower case. */
export const CLINICAL_VOCABULARY: readonly string[] = Object.values(GROUPS).join(' ').split(/\s+/).filter(Boolean)
