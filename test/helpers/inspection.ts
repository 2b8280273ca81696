/** Builders for inspection files used across tests and benches. */
import type { InspectionFile, Person } from '../../shared/inspection.ts';

export function nidoFile(overrides: Partial<InspectionFile> = {}): InspectionFile {
  return {
    schemaVersion: 1,
    ruleSet: 'zona-fse@1',
    service: {
      name: 'Nido Il Girasole',
      type: 'nido',
      capacity: 40,
      kitchen: true,
      authorization: { issuedOn: '2024-10-15' },
      accreditation: { issuedOn: '2023-05-02' },
    },
    visit: { date: '2025-03-12', purpose: 'verifica_periodica' },
    children: [
      { band: '0-11', enrolled: 5, present: 5 },
      { band: '12-23', enrolled: 14, present: 12 },
      { band: '24-36', enrolled: 21, present: 18 },
    ],
    staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: { planned: 2, present: 1 } },
    ...overrides,
  };
}

export function person(id: string, trainings: Person['trainings'] = [], extra: Partial<Person> = {}): Person {
  return { id, role: 'educatore', title: 'L19', trainings, ...extra };
}

/** A roster that satisfies every training rule on 2025-03-12 with a kitchen. */
export function compliantPeople(): Person[] {
  return [
    person('p1', [
      { course: 'fire', hours: 8, completedOn: '2022-01-10' },
      { course: 'first_aid', hours: 12, completedOn: '2024-01-10' },
    ]),
    person('p2', [
      { course: 'fire', hours: 8, completedOn: '2023-05-10' },
      { course: 'first_aid', hours: 12, completedOn: '2023-09-01' },
      { course: 'rls', hours: 32, completedOn: '2021-03-01' },
    ]),
    person(
      'p3',
      [
        { course: 'rspp', hours: 32, completedOn: '2020-02-01' },
        { course: 'haccp_manager', hours: 16, completedOn: '2022-06-01' },
      ],
      { role: 'coordinatore', title: undefined },
    ),
    person('p4', [{ course: 'haccp_complex', hours: 12, completedOn: '2021-11-15' }], { role: 'cuoco', title: undefined }),
  ];
}
