/**
 * A realistic, fully answered inspection for report tests and the benchmark.
 */
import { applicableItems, getChecklist } from '../../shared/checklist/index.ts';
import { contentHash } from '../../shared/canonical.ts';
import type { InspectionFile } from '../../shared/inspection.ts';
import type { Signature } from '../../shared/api/contract.ts';
import type { ReportInput, ReportPhoto } from '../types.ts';
import { samplePhoto } from './images.ts';

export const SAMPLE_SERVICE_NAME = 'Nido d’infanzia «Il Girasole» – Grassina';

/** Items answered "no" in the sample, with the note the inspector wrote. */
export const SAMPLE_NON_CONFORMITIES: Record<string, string> = {
  'F.presidi.prese_protette': 'Due prese senza protezione nel salone accanto alla zona morbida.',
  'F.controlli.estintori': 'Ultimo controllo semestrale degli estintori non registrato (settembre 2024).',
  'E.qualita.valutazione_genitori': 'Questionario di gradimento non somministrato nell’anno in corso.',
};

export function sampleInspection(): InspectionFile {
  const file: InspectionFile = {
    schemaVersion: 1,
    ruleSet: 'zona-fse@1',
    service: {
      name: SAMPLE_SERVICE_NAME,
      type: 'nido',
      capacity: 40,
      kitchen: true,
      comune: 'Bagno a Ripoli',
      address: 'Via di Grassina 12, 50012 Bagno a Ripoli (FI)',
      referente: 'Maria Rossi',
      authorization: { issuedOn: '2024-10-15' },
      accreditation: { issuedOn: '2023-05-02' },
    },
    visit: {
      date: '2025-03-12',
      purpose: 'verifica_periodica',
      members: [
        { name: 'Anna Bianchi', role: 'Pedagogista zonale' },
        { name: 'Luca Verdi', role: 'Referente tecnico Comune di Bagno a Ripoli' },
        { name: 'Giulia Neri', role: 'Referente tecnico Comune di Impruneta' },
      ],
    },
    children: [
      { band: '0-11', enrolled: 6, present: 5 },
      { band: '12-23', enrolled: 14, present: 12 },
      { band: '24-36', enrolled: 22, present: 19 },
    ],
    staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: { planned: 2, present: 2 } },
    people: [
      {
        id: 'p1',
        role: 'educatore',
        name: 'Elena Conti',
        title: 'L19',
        trainings: [
          { course: 'first_aid', hours: 12, completedOn: '2023-01-10' },
          { course: 'fire', hours: 8, completedOn: '2022-05-04' },
        ],
      },
      {
        id: 'p2',
        role: 'educatore',
        name: 'Paolo Gallo',
        title: 'LM-85bis+60CFU',
        trainings: [
          { course: 'first_aid', hours: 12, completedOn: '2024-02-01' },
          { course: 'fire', hours: 8, completedOn: '2023-11-20' },
        ],
      },
      {
        id: 'p3',
        role: 'coordinatore',
        name: 'Sara Fontana',
        trainings: [
          { course: 'rspp', hours: 32, completedOn: '2021-06-01' },
          { course: 'haccp_manager', hours: 16, completedOn: '2022-09-01' },
        ],
      },
      {
        id: 'p4',
        role: 'cuoco',
        name: 'Marco Riva',
        trainings: [
          { course: 'haccp_complex', hours: 12, completedOn: '2023-03-15' },
          { course: 'rls', hours: 32, completedOn: '2020-10-10' },
        ],
      },
    ],
    answers: {},
  };
  const checklist = getChecklist(file.ruleSet)!;
  for (const item of applicableItems(checklist, { type: file.service.type, purpose: file.visit.purpose })) {
    if (item.kind === 'yesno')
      file.answers![item.id] = SAMPLE_NON_CONFORMITIES[item.id]
        ? { value: 'no', note: SAMPLE_NON_CONFORMITIES[item.id] }
        : { value: 'yes' };
    else if (item.kind === 'text')
      file.answers![item.id] = {
        value: item.id === 'F.struttura.uso_orario_chiusura' ? 'Nessun utilizzo degli spazi in orario di chiusura.' : '',
      };
  }
  file.answers!['D.aggiornamento.attivita_previste'] = { value: 'yes', note: 'Corso sull’outdoor education (20 ore), marzo–maggio 2025.' };
  return file;
}

/** Handwriting-like strokes in the 1000×300 box, different per seed. */
export function sampleSignature(signatory: Signature['signatory'], name: string, seed: number): Signature {
  const strokes: Array<Array<[number, number]>> = [];
  for (let s = 0; s < 3; s++) {
    const stroke: Array<[number, number]> = [];
    const x0 = 60 + s * 300;
    for (let i = 0; i <= 40; i++) {
      const x = x0 + i * 6.5;
      const y = 150 + Math.sin((i + seed * 3 + s) / 3.2) * (70 - s * 10) + Math.cos(i / 1.7 + seed) * 20;
      stroke.push([Math.min(1000, x), Math.max(0, Math.min(300, y))]);
    }
    strokes.push(stroke);
  }
  strokes.push([[930, 200]]); // a dot
  return { signatory, name, strokes };
}

export function samplePhotos(count: number): ReportPhoto[] {
  const ids = Object.keys(SAMPLE_NON_CONFORMITIES);
  return Array.from({ length: count }, (_, i) => ({
    caption: i < ids.length ? `Rilievo: ${SAMPLE_NON_CONFORMITIES[ids[i]!]!.split('.')[0]}` : `Ambiente ${i + 1}`,
    mime: 'image/png' as const,
    bytes: new Uint8Array(samplePhoto(i + 1, 480, 360)),
    itemId: i < ids.length ? ids[i]! : null,
  }));
}

export function sampleReportInput(opts: { photos?: number | ReportPhoto[]; digitallySigned?: boolean } = {}): ReportInput {
  const file = sampleInspection();
  return {
    file,
    inspectionId: 'ISP-2025-0042',
    revision: 1,
    contentHash: contentHash(file),
    signatures: [
      sampleSignature('referente_comune', 'Luca Verdi', 1),
      sampleSignature('pedagogista', 'Anna Bianchi', 2),
      sampleSignature('referente_servizio', 'Maria Rossi', 3),
    ],
    photos: Array.isArray(opts.photos) ? opts.photos : samplePhotos(opts.photos ?? 0),
    prescriptions: [
      {
        rule: 'F.presidi.prese_protette',
        text: 'Installare copri-prese di sicurezza su tutte le prese accessibili ai bambini.',
        deadline: '2025-04-12',
      },
      {
        rule: 'F.controlli.estintori',
        text: 'Eseguire e registrare il controllo semestrale degli estintori; inviarne copia al Comune.',
        deadline: '2025-04-30',
      },
    ],
    digitallySigned: opts.digitallySigned ?? false,
    createdAt: new Date('2025-03-12T16:00:00Z'),
  };
}
