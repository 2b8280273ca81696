/**
 * The pieces of an inspection file that come from registry records: the service snapshot and the
 * people present. The host (sealing, export) and the UI (live findings) build them here, so what the
 * inspector sees evaluated is what gets sealed.
 */
import type { EducatorTitle, Role, ServiceType } from './domain.ts';
import type { InspectionFile, Person, Training } from './inspection.ts';

export interface ServiceRecordLike {
  name: string;
  type: ServiceType;
  capacity: number;
  kitchen: boolean;
  comune: string;
  address: string;
  referente: string;
  territorialRls: boolean;
  authorizationIssuedOn: string | null;
  accreditationIssuedOn: string | null;
}

export interface StaffRecordLike {
  id: string;
  role: Role;
  name: string;
  trainings: Training[];
  title: EducatorTitle | null;
  titleObtainedOn: string | null;
  pathStartedOn: string | null;
}

export function serviceSection(s: ServiceRecordLike): InspectionFile['service'] {
  const section: InspectionFile['service'] = {
    name: s.name,
    type: s.type,
    capacity: s.capacity,
    kitchen: s.kitchen,
    comune: s.comune,
    address: s.address,
    referente: s.referente,
    territorialRls: s.territorialRls,
  };
  if (s.authorizationIssuedOn) section.authorization = { issuedOn: s.authorizationIssuedOn };
  if (s.accreditationIssuedOn) section.accreditation = { issuedOn: s.accreditationIssuedOn };
  return section;
}

/** A roster record as the rules see it: absent optional fields rather than nulls. */
export function personFromStaff(s: StaffRecordLike): Person {
  const person: Person = { id: s.id, role: s.role, name: s.name, trainings: s.trainings };
  if (s.title) person.title = s.title;
  if (s.titleObtainedOn) person.titleObtainedOn = s.titleObtainedOn;
  if (s.pathStartedOn) person.pathStartedOn = s.pathStartedOn;
  return person;
}
