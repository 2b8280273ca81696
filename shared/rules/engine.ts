/**
 * The rule engine: pure functions from an inspection file and a rule set to findings.
 * A rule whose inputs are absent is `na`, never `pass`.
 */
import { compareDates, formatItalianDate, type IsoDate } from '../dates.ts';
import { EDUCATOR_TITLE_LABELS, type Course } from '../domain.ts';
import type { InspectionFile, Person } from '../inspection.ts';
import type { Checklist } from '../checklist/schema.ts';
import { applicableItems } from '../checklist/schema.ts';
import { answerFits, answerMisfitMessage, registerIds } from '../checklist/answers.ts';
import { registerFinding } from '../educator-register.ts';
import type { Finding, Outcome } from './findings.ts';
import { actValidity, standingOn, statesActValidity } from './acts.ts';
import { ruleSetKey, type RuleId, type RuleSet, type ServiceTypeRules } from './ruleset.ts';
import { checkAnswerProblems, checkFindings, checkInputItems } from './checks.ts';
import { bandCounts, enrolmentCeiling, explainLoad, requiredAuxiliaries, requiredEducators, total } from './staffing.ts';
import { CoverageBook, personLabel, type Coverage } from './training.ts';

export interface CheckResult {
  ruleSet: string;
  required: {
    educatorsPlanned: number | null;
    educatorsPresent: number | null;
    auxiliariesPlanned: number | null;
    auxiliariesPresent: number | null;
  };
  authorization: { validUntil: IsoDate | null };
  accreditation: { validUntil: IsoDate | null };
  findings: Finding[];
}

interface Context {
  file: InspectionFile;
  rs: RuleSet;
  rules: ServiceTypeRules;
  date: IsoDate;
  /** Each person's coverage for each course on the visit's date, computed once (by position in `file.people`). */
  book: CoverageBook;
}

function finding(ctx: Context, rule: RuleId, outcome: Outcome, message: string): Finding {
  return { rule, outcome, article: ctx.rs.articles[rule], message };
}

/** Problems that the file's shape cannot catch because they depend on the rule set and checklist. */
export function validateAgainst(file: InspectionFile, rs: RuleSet, checklist?: Checklist): string[] {
  const errors: string[] = [];
  if (file.ruleSet !== ruleSetKey(rs)) errors.push(`ruleSet: atteso ${ruleSetKey(rs)}, trovato ${file.ruleSet}`);
  const bands = rs.serviceTypes[file.service.type].bands.map((b) => b.id);
  file.children?.forEach((c, i) => {
    if (!bands.includes(c.band))
      errors.push(`children[${i}].band: fascia ${c.band} non prevista per ${file.service.type} (ammesse: ${bands.join(', ')})`);
  });
  if (checklist && file.answers) {
    const byId = new Map(checklist.items.map((item) => [item.id, item]));
    for (const [id, answer] of Object.entries(file.answers)) {
      const item = byId.get(id);
      if (!item) {
        errors.push(`answers.${id}: voce sconosciuta nella scheda ${checklist.id}@${checklist.version}`);
        continue;
      }
      const v = answer.value;
      if (v === undefined) continue;
      if (!answerFits(item.kind, v)) errors.push(`answers.${id}.value: ${answerMisfitMessage(item.kind)}`);
    }
  }
  errors.push(...checkAnswerProblems(rs.checks, file));
  return errors;
}

/**
 * The version of what `evaluate` answers for an already sealed file. Outcome counts stored at
 * sealing (the laptop's migration 008) are used only while they carry this number: bump it when a
 * change to the rules or a Scheda changes the findings of files sealed before it, and the lists
 * evaluate those files again (once each) instead of showing what an older build counted.
 */
export const OUTCOMES_EVALUATION = 1;

export function evaluate(file: InspectionFile, rs: RuleSet, checklist?: Checklist): CheckResult {
  const ctx: Context = {
    file,
    rs,
    rules: rs.serviceTypes[file.service.type],
    date: file.visit.date,
    book: new CoverageBook(rs, file.people ?? [], file.visit.date),
  };
  const enrolled = bandCounts(ctx.rules, file.children, 'enrolled');
  const present = bandCounts(ctx.rules, file.children, 'present');
  const required = {
    educatorsPlanned: enrolled ? requiredEducators(rs, ctx.rules, enrolled, 'enrolled') : null,
    educatorsPresent: present ? requiredEducators(rs, ctx.rules, present, 'present') : null,
    auxiliariesPlanned: enrolled ? requiredAuxiliaries(ctx.rules, total(enrolled)) : null,
    auxiliariesPresent: present ? requiredAuxiliaries(ctx.rules, total(present)) : null,
  };
  const stated = statesActValidity(rs);
  const authorization = file.service.authorization && stated ? actValidity(rs, file.service.authorization.issuedOn) : null;
  const accreditation = file.service.accreditation && stated ? actValidity(rs, file.service.accreditation.issuedOn) : null;

  const findings: Finding[] = [
    capacityRange(ctx),
    enrollmentCeiling(ctx, enrolled),
    presenceCapacity(ctx, present),
    educatorRatio(ctx, 'ratio.educators.planned', enrolled, required.educatorsPlanned, file.staffCounts?.educators?.planned),
    educatorRatio(ctx, 'ratio.educators.present', present, required.educatorsPresent, file.staffCounts?.educators?.present),
    auxiliaryRatio(ctx, 'ratio.auxiliaries.planned', enrolled, required.auxiliariesPlanned, file.staffCounts?.auxiliaries?.planned),
    auxiliaryRatio(ctx, 'ratio.auxiliaries.present', present, required.auxiliariesPresent, file.staffCounts?.auxiliaries?.present),
    teamCoverage(ctx, 'training.fire', 'fire', rs.training.minFireTrained, 'prevenzione incendi'),
    teamCoverage(ctx, 'training.first_aid', 'first_aid', rs.training.minFirstAidTrained, 'pronto soccorso'),
    rspp(ctx),
    rls(ctx),
    haccp(ctx),
    titles(ctx),
    actFinding(
      ctx,
      'authorization.valid',
      { name: 'Autorizzazione al funzionamento', ending: 'a' },
      file.service.authorization?.issuedOn,
      authorization,
    ),
    actFinding(ctx, 'accreditation.valid', { name: 'Accreditamento', ending: 'o' }, file.service.accreditation?.issuedOn, accreditation),
  ];
  if (rs.checks?.length) checkFindings(rs.checks, file, rs.acts.educationalYearStartMonth, findings);
  const register = registerFinding(rs.educatorRegister, file, registerIds);
  if (register) findings.push(register);
  if (checklist) answerFindings(file, answerableItems(checklist, rs, file), findings);
  return {
    ruleSet: ruleSetKey(rs),
    required,
    authorization: { validUntil: authorization?.validUntil ?? null },
    accreditation: { validUntil: accreditation?.validUntil ?? null },
    findings,
  };
}

function capacityRange(ctx: Context): Finding {
  const { min, max } = ctx.rules.capacity;
  const cap = ctx.file.service.capacity;
  return cap >= min && cap <= max
    ? finding(ctx, 'capacity.range', 'pass', `Capienza ${cap}, ammessa fra ${min} e ${max}`)
    : finding(ctx, 'capacity.range', 'fail', `Capienza ${cap} fuori dall'intervallo ammesso fra ${min} e ${max}`);
}

function enrollmentCeiling(ctx: Context, enrolled: Map<string, number> | null): Finding {
  if (!enrolled) return finding(ctx, 'enrollment.ceiling', 'na', 'Iscritti non rilevati');
  const cap = ctx.file.service.capacity;
  const n = total(enrolled);
  const ceiling = enrolmentCeiling(ctx.rules, cap);
  if (n <= cap) return finding(ctx, 'enrollment.ceiling', 'pass', `Iscritti ${n}, capienza ${cap}`);
  if (n <= ceiling)
    return finding(
      ctx,
      'enrollment.ceiling',
      'warn',
      `Iscritti ${n} oltre la capienza ${cap}, entro la tolleranza (massimo ${ceiling}): da dichiarare`,
    );
  return finding(ctx, 'enrollment.ceiling', 'fail', `Iscritti ${n} oltre il massimo consentito ${ceiling} (capienza ${cap})`);
}

function presenceCapacity(ctx: Context, present: Map<string, number> | null): Finding {
  if (!present) return finding(ctx, 'presence.capacity', 'na', 'Presenze non rilevate');
  const cap = ctx.file.service.capacity;
  const n = total(present);
  return n <= cap
    ? finding(ctx, 'presence.capacity', 'pass', `Presenti ${n} bambini, capienza ${cap}`)
    : finding(ctx, 'presence.capacity', 'fail', `Presenti ${n} bambini, capienza ${cap}`);
}

function educatorRatio(
  ctx: Context,
  rule: 'ratio.educators.planned' | 'ratio.educators.present',
  counts: Map<string, number> | null,
  required: number | null,
  found: number | undefined,
): Finding {
  const planned = rule === 'ratio.educators.planned';
  const column = planned ? 'enrolled' : 'present';
  if (ctx.rules.bands.some((b) => b.childrenPerEducator === null))
    return finding(ctx, rule, 'na', 'Rapporto educatori/bambini non stabilito dalla Scheda per questa tipologia');
  if (!counts || required === null)
    return finding(ctx, rule, 'na', planned ? 'Iscritti per fascia non rilevati' : 'Presenti per fascia non rilevati');
  const how = `${planned ? 'calcolo sull’80% degli iscritti' : 'calcolo sui presenti'}: ${explainLoad(ctx.rs, ctx.rules, counts, column)}`;
  if (found === undefined)
    return finding(ctx, rule, 'na', `Educatori ${planned ? 'previsti' : 'presenti'} non rilevati; necessari ${required} (${how})`);
  const label = planned ? 'previsti' : 'presenti';
  return found >= required
    ? finding(ctx, rule, 'pass', `Educatori ${label} ${found}, necessari ${required} (${how})`)
    : finding(ctx, rule, 'fail', `Educatori ${label} ${found}, necessari ${required} (${how})`);
}

function auxiliaryRatio(
  ctx: Context,
  rule: 'ratio.auxiliaries.planned' | 'ratio.auxiliaries.present',
  counts: Map<string, number> | null,
  required: number | null,
  found: number | undefined,
): Finding {
  const planned = rule === 'ratio.auxiliaries.planned';
  const per = ctx.rules.childrenPerAuxiliary;
  if (per === null) return finding(ctx, rule, 'na', 'Rapporto addetti/bambini non stabilito per questa tipologia');
  if (!counts || required === null) return finding(ctx, rule, 'na', planned ? 'Iscritti non rilevati' : 'Presenti non rilevati');
  const children = total(counts);
  const how = `${children} bambini ${planned ? 'iscritti' : 'presenti'}, 1 addetto ogni ${per}`;
  const label = planned ? 'previsti' : 'presenti';
  if (found === undefined) return finding(ctx, rule, 'na', `Addetti ${label} non rilevati; necessari ${required} (${how})`);
  return found >= required
    ? finding(ctx, rule, 'pass', `Addetti ${label} ${found}, necessari ${required} (${how})`)
    : finding(ctx, rule, 'fail', `Addetti ${label} ${found}, necessari ${required} (${how})`);
}

function teamCoverage(ctx: Context, rule: 'training.fire' | 'training.first_aid', course: Course, minimum: number, name: string): Finding {
  const people = ctx.file.people;
  if (!people) return finding(ctx, rule, 'na', 'Personale e attestati non rilevati');
  const book = ctx.book;
  // Counts and texts in one pass over the staff: no per-person objects, no map/join arrays.
  let covered = 0;
  let lasting = 0;
  let expired = '';
  for (let i = 0; i < people.length; i++) {
    const c = book.of(i, course);
    if (c.valid) {
      covered++;
      if (!book.soon(c)) lasting++;
    } else if (c.reason !== 'nessun attestato') expired = listed(expired, ', ', `${personLabel(people[i]!)} (${c.reason})`);
  }
  const expiredText = expired ? `; non validi: ${expired}` : '';
  if (covered < minimum)
    return finding(ctx, rule, 'fail', `Addetti ${name} con attestato valido: ${covered} (minimo ${minimum})${expiredText}`);
  if (lasting < minimum) {
    let soon = '';
    for (let i = 0; i < people.length; i++) {
      const c = book.of(i, course);
      if (c.valid && book.soon(c)) soon = listed(soon, ', ', `${personLabel(people[i]!)} (${formatItalianDate(c.expiresOn!)})`);
    }
    return finding(
      ctx,
      rule,
      'warn',
      `Addetti ${name} con attestato valido: ${covered} (minimo ${minimum}); in scadenza entro ${ctx.rs.training.expiryWarningDays} giorni: ${soon}`,
    );
  }
  return finding(ctx, rule, 'pass', `Addetti ${name} con attestato valido: ${covered} (minimo ${minimum})${expiredText}`);
}

/**
 * `list` with `item` appended after `separator`: what `[...].join(separator)` gives, without the
 * array (and the map that filled it). Only for items that are never empty.
 */
function listed(list: string, separator: string, item: string): string {
  return list ? `${list}${separator}${item}` : item;
}

/** The holders' labels joined by ", ", or the `fail` finding (`na` without staff) when nobody holds the course. */
function singleHolder(ctx: Context, rule: RuleId, course: Course, label: string, minHours?: number): Finding | string {
  const people = ctx.file.people;
  if (!people) return finding(ctx, rule, 'na', 'Personale e attestati non rilevati');
  let holders = '';
  let held = 0;
  for (let i = 0; i < people.length; i++)
    if (ctx.book.of(i, course, minHours).valid) holders = held++ ? `${holders}, ${personLabel(people[i]!)}` : personLabel(people[i]!);
  if (!held) {
    let reasons = '';
    for (let i = 0; i < people.length; i++) {
      const c = ctx.book.of(i, course, minHours);
      if (c.reason !== 'nessun attestato') reasons = listed(reasons, '; ', `${personLabel(people[i]!)}: ${c.reason}`);
    }
    return finding(ctx, rule, 'fail', `Nessun attestato ${label} in corso di validità${reasons ? ` (${reasons})` : ''}`);
  }
  return holders;
}

function rspp(ctx: Context): Finding {
  const r = ctx.rs.training.courses.rspp;
  const result = singleHolder(ctx, 'training.rspp', 'rspp', `RSPP (${r.minHours}-${r.maxHours ?? ''} ore)`);
  if (typeof result !== 'string') return result;
  return finding(ctx, 'training.rspp', 'pass', `Attestato RSPP: ${result}`);
}

function rls(ctx: Context): Finding {
  if (ctx.file.service.territorialRls) return finding(ctx, 'training.rls', 'pass', 'Scelta del RLS territoriale documentata');
  const result = singleHolder(ctx, 'training.rls', 'rls', `RLS (minimo ${ctx.rs.training.courses.rls.minHours} ore)`);
  if (typeof result !== 'string') return finding(ctx, 'training.rls', result.outcome, `${result.message}; RLS territoriale non indicato`);
  return finding(ctx, 'training.rls', 'pass', `Attestato RLS: ${result}`);
}

function haccp(ctx: Context): Finding {
  const kitchen = ctx.file.service.kitchen;
  if (kitchen === undefined) return finding(ctx, 'training.haccp', 'na', 'Non indicato se la struttura ha la cucina interna');
  const people = ctx.file.people;
  if (!people) return finding(ctx, 'training.haccp', 'na', 'Personale e attestati non rilevati');
  const t = ctx.rs.training;
  const managerHours = kitchen ? t.haccpManagerHoursWithKitchen : t.courses.haccp_manager.minHours;
  // The texts as "; " and ", " joined lists, built as they are found (no per-person objects).
  const found: FoodFindings = { problems: '', soon: '' };
  const book = ctx.book;
  let managers = '';
  let managed = 0;
  for (let i = 0; i < people.length; i++) {
    const c = book.of(i, 'haccp_manager', managerHours);
    if (!c.valid) continue;
    const who = personLabel(people[i]!);
    managers = managed++ ? `${managers}, ${who}` : who;
    if (book.soon(c)) found.soon = listed(found.soon, ', ', `${who} (responsabile, ${formatItalianDate(c.expiresOn!)})`);
  }
  if (!managed)
    found.problems = `nessun responsabile del piano di autocontrollo con attestato valido (${managerHours} ore${kitchen ? ', cucina interna' : ''})`;
  if (kitchen) {
    let complex = false;
    for (let i = 0; i < people.length && !complex; i++) complex = book.of(i, 'haccp_complex').valid;
    if (!complex)
      found.problems = listed(found.problems, '; ', 'cucina interna senza addetti alle lavorazioni complesse con attestato valido');
  }
  // Every food-work certificate declared must be in force, and every cook must hold one.
  for (let i = 0; i < people.length; i++) {
    const p = people[i]!;
    const simple = book.of(i, 'haccp_simple');
    const complex = book.of(i, 'haccp_complex');
    foodProblems(p, 'lavorazioni semplici', simple, book, found);
    foodProblems(p, 'lavorazioni complesse', complex, book, found);
    if (p.role === 'cuoco' && !simple.valid && !complex.valid && !book.of(i, 'haccp_manager', managerHours).valid)
      found.problems = listed(found.problems, '; ', `${personLabel(p)}: addetto cucina senza attestato HACCP valido`);
  }
  if (found.problems) return finding(ctx, 'training.haccp', 'fail', `HACCP: ${found.problems}`);
  if (found.soon)
    return finding(ctx, 'training.haccp', 'warn', `HACCP: attestati in scadenza entro ${t.expiryWarningDays} giorni: ${found.soon}`);
  return finding(
    ctx,
    'training.haccp',
    'pass',
    `HACCP: responsabile ${managers} con attestato valido${kitchen ? ', addetti lavorazioni complesse formati' : ''}`,
  );
}

/** What the HACCP rule has found so far: problems joined by "; ", certificates expiring soon by ", ". */
interface FoodFindings {
  problems: string;
  soon: string;
}

/** A food-work certificate declared but not in force, or in force and expiring soon. */
function foodProblems(p: Person, work: string, c: Coverage, book: CoverageBook, found: FoodFindings): void {
  if (!c.valid && c.reason !== 'nessun attestato')
    found.problems = listed(found.problems, '; ', `${personLabel(p)}: attestato ${work} ${c.reason}`);
  if (book.soon(c)) found.soon = listed(found.soon, ', ', `${personLabel(p)} (${formatItalianDate(c.expiresOn!)})`);
}

/** Whether an educator's title satisfies art. 13, and why not. */
export function titleProblem(rs: RuleSet, p: Person): string | null {
  const t = rs.titles;
  switch (p.title) {
    case undefined:
      return 'titolo non indicato';
    case 'L19':
    case 'LM-85bis+60CFU':
      return null;
    case 'previgente_toscana':
      if (!p.titleObtainedOn) return 'data di conseguimento non indicata';
      return compareDates(p.titleObtainedOn, t.previousRulesObtainedBy) <= 0
        ? null
        : `titolo previgente conseguito il ${formatItalianDate(p.titleObtainedOn)}, oltre il ${formatItalianDate(t.previousRulesObtainedBy)}`;
    case 'transitorio_laurea_pedagogica_psicologica':
    case 'transitorio_master_prima_infanzia':
      if (!p.pathStartedOn) return 'data di avvio del percorso non indicata';
      return compareDates(p.pathStartedOn, t.transitionalPathFrom) >= 0 && compareDates(p.pathStartedOn, t.transitionalPathTo) <= 0
        ? null
        : `percorso avviato il ${formatItalianDate(p.pathStartedOn)}, fuori dall'anno accademico 2018/2019`;
    case 'altro':
      return `${EDUCATOR_TITLE_LABELS.altro.toLowerCase()} non previsto dall'art. 13`;
  }
}

function titles(ctx: Context): Finding {
  const people = ctx.file.people;
  if (!people) return finding(ctx, 'staff.titles', 'na', 'Personale non rilevato');
  let educators = 0;
  let problems = '';
  for (const p of people) {
    if (p.role !== 'educatore') continue;
    educators++;
    const why = titleProblem(ctx.rs, p);
    if (why !== null) problems = listed(problems, '; ', `${personLabel(p)} (${why})`);
  }
  if (!educators) return finding(ctx, 'staff.titles', 'na', 'Nessun educatore nell’elenco del personale');
  if (problems) return finding(ctx, 'staff.titles', 'fail', `Titoli non conformi: ${problems}`);
  return finding(
    ctx,
    'staff.titles',
    'pass',
    educators === 1 ? 'Titolo conforme per 1 educatore' : `Titoli conformi per ${educators} educatori`,
  );
}

function actFinding(
  ctx: Context,
  rule: 'authorization.valid' | 'accreditation.valid',
  act: { name: string; ending: 'a' | 'o' },
  issuedOn: IsoDate | undefined,
  validity: ReturnType<typeof actValidity> | null,
): Finding {
  const { name, ending: e } = act;
  if (!issuedOn) return finding(ctx, rule, 'na', `${name}: data di rilascio non indicata`);
  if (!validity) return finding(ctx, rule, 'na', `${name}: durata non indicata dal regolamento (rilascio ${formatItalianDate(issuedOn)})`);
  const until = formatItalianDate(validity.validUntil);
  const issued = formatItalianDate(issuedOn);
  if (compareDates(ctx.date, issuedOn) < 0)
    return finding(ctx, rule, 'na', `${name} rilasciat${e} il ${issued}, dopo la data della visita`);
  const status = standingOn(validity, ctx.date);
  if (status === 'expired') return finding(ctx, rule, 'fail', `${name} scadut${e} il ${until} (rilascio ${issued})`);
  if (status === 'expiring')
    return finding(
      ctx,
      rule,
      'warn',
      `${name} valid${e} fino al ${until}: scade entro ${ctx.rs.acts.expiryWarningDays} giorni, avviare il rinnovo`,
    );
  return finding(ctx, rule, 'pass', `${name} valid${e} fino al ${until} (rilascio ${issued})`);
}

/** A sì/no item a `no` answer reports, with the start of its finding's message already written. */
interface AnswerableItem {
  id: string;
  article: string;
  /** `Non conforme: ${item.text}`, the message without the inspector's note. */
  message: string;
}

/**
 * The sì/no items of a checklist that apply to a file's service type and purpose (and, for the
 * Accreditamento section, accreditation) and that no check of the rule set reads, in printed order:
 * filtered once per rule set, checklist and kind of file rather than once per file, looked up by
 * type, purpose and accreditation without building a key per file.
 */
const ANSWERABLE = new WeakMap<Checklist, WeakMap<RuleSet, Map<string, Map<string, AnswerableItem[][]>>>>();

function answerableItems(checklist: Checklist, rs: RuleSet, file: InspectionFile): AnswerableItem[] {
  let byRuleSet = ANSWERABLE.get(checklist);
  if (!byRuleSet) ANSWERABLE.set(checklist, (byRuleSet = new WeakMap()));
  let byType = byRuleSet.get(rs);
  if (!byType) byRuleSet.set(rs, (byType = new Map()));
  const type = file.service.type;
  const purpose = file.visit.purpose;
  const accredited = file.service.accreditation ? 1 : 0;
  let byPurpose = byType.get(type);
  if (!byPurpose) byType.set(type, (byPurpose = new Map()));
  let both = byPurpose.get(purpose);
  if (!both) byPurpose.set(purpose, (both = []));
  let items = both[accredited];
  if (!items) {
    const readByChecks = checkInputItems(rs.checks);
    items = both[accredited] = applicableItems(checklist, { type, purpose, accredited: accredited === 1 })
      .filter((item) => item.kind === 'yesno' && !readByChecks.has(item.id))
      .map((item) => ({ id: item.id, article: item.article, message: `Non conforme: ${item.text}` }));
  }
  return items;
}

/**
 * Checklist answers: a `no` on an applicable item is a non-conformity carrying the item id. An item a
 * check reads (`readByChecks`) reports through that check instead: its `no` may be the compliant case.
 */
function answerFindings(file: InspectionFile, items: readonly AnswerableItem[], findings: Finding[]): void {
  const answers = file.answers;
  if (!answers) return;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const answer = answers[item.id];
    if (answer?.value !== 'no') continue;
    const note = answer.note?.trim();
    findings.push({ rule: item.id, outcome: 'fail', article: item.article, message: note ? `${item.message} — ${note}` : item.message });
  }
}
