/**
 * One received revision: its page, «Prendi in validazione», «Valida» (with its confirmation), «Respingi»,
 * «Registra a protocollo» (a validated revision), «Verifica lo stato di revoca online» of a report
 * version (read only), its attachments.
 */
import { namedChecks } from '../../shared/educator-register.ts';
import { registerIds } from '../../shared/checklist/answers.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createElement } from 'react';
import { readFile } from 'node:fs/promises';
import { resolveFile } from '../../shared/territories/index.ts';
import { PURPOSE_LABELS, type Purpose } from '../../shared/domain.ts';
import { parseSealedFile } from '../../shared/inspection.ts';
import { capitalised } from '../../shared/text.ts';
import { visitTimeText } from '../../shared/times.ts';
import { findingText, OUTCOME_LABELS, evaluate, type Finding } from '../../shared/rules/index.ts';
import { parseItalianDate } from '../../shared/dates.ts';
import { consequenceText, VERIFICATION_LABELS } from '../../shared/follow-up.ts';
import { PROTOCOL_NEEDS_VALIDATION, PROTOCOL_NUMBER_MAX, TRANSFER_REASON_MAX, UserError } from '../storage/store.ts';
import { STATUS_LABELS, deviceLabel, formatDate, formatInstant, inspectionHref, type Clerk, type ReviewContext } from './context.ts';
import { layout } from './html.ts';
import { InspectionReview, type LongTermNotice, type ReportVersion } from './InspectionReview.tsx';
import { checkLabel, formatSize } from './labels.ts';
import { BACK_TO_QUEUE, Message, backToInspection } from './Message.tsx';
import { ValidationConfirmation } from './ValidationConfirmation.tsx';
import { signedReport } from '../mail.ts';
import { loadVerifier } from './verify.ts';

/** Answers in the Scheda's order; any id the checklist does not know comes last, as sent. */
function answersInSchedaOrder<A>(answers: Record<string, A>, items: ReadonlyArray<{ id: string }>): Array<[string, A]> {
  const rank = new Map(items.map((item, i) => [item.id, i]));
  return Object.entries(answers).sort(([a], [b]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

/** A register item's answer (entry ids): the educators by name, as the sealed file carries them; never the ids. */
function registerAnswerText(value: string, entries: ReadonlyArray<{ id: string; name: string }>): string {
  const ids = registerIds(value) ?? [];
  if (!ids.length) return '—';
  return ids.map((id) => entries.find((e) => e.id === id)?.name ?? "iscritto non presente nell'albo").join('; ');
}

function answerText(value: unknown): string {
  if (value === 'yes') return 'Sì';
  if (value === 'no') return 'No';
  if (value === 'na') return 'Non applicabile';
  if (value === undefined || value === null) return '—';
  return String(value);
}

const REJECTION_NOTES_MAX = 4000;
/** Per OCSP, CRL or issuer request of «Verifica lo stato di revoca online» (as `vigilanza verify --online`). */
const ONLINE_TIMEOUT_MS = 10_000;
/** Why the «Respingi» notes cannot be sent to the inspector, if they cannot. */
function rejectionNotesError(note: string): string | null {
  if (!note.trim())
    return "Scrivere le note di correzione: l'ispettore deve sapere che cosa correggere prima di inviare una nuova revisione.";
  if (note.length > REJECTION_NOTES_MAX) return `Note troppo lunghe: al massimo ${REJECTION_NOTES_MAX} caratteri (ora ${note.length}).`;
  return null;
}

const sectionLabel = (section: string | undefined) =>
  section === undefined ? '—' : section === 'ACC' ? 'Accreditamento' : `Sezione ${section}`;

function sniffMime(head: Buffer): string | null {
  if (head.subarray(0, 4).toString('hex') === '89504e47') return 'image/png';
  if (head.subarray(0, 3).toString('hex') === 'ffd8ff') return 'image/jpeg';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

export function registerInspectionRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, blobs, page, view, send } = ctx;
  const notFound = (reply: FastifyReply, clerk: Clerk) =>
    view(reply, clerk, 'Ispezione non trovata', '/coda', createElement(Message, { back: BACK_TO_QUEUE }), 404);
  /** «Verifica lo stato di revoca online» refused before asking anyone: why, and the way back to the revision. */
  const onlineRefused = (
    reply: FastifyReply,
    clerk: Clerk,
    at: { inspectionId: string; revision: number },
    error: string,
    status: number,
  ) =>
    view(
      reply,
      clerk,
      'Verifica in linea non eseguita',
      '/coda',
      createElement(Message, { error, back: backToInspection(inspectionHref(at)) }),
      status,
    );

  app.get(
    '/ispezioni/:id/:rev',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => inspectionPage(reply, clerk, req.params.id, Number(req.params.rev))),
  );

  /**
   * One revision for the clerk. `rejection` re-shows the «Respingi» form as the clerk left it,
   * with the server's reason next to the field (the browser's own checks would speak English).
   */
  async function inspectionPage(
    reply: FastifyReply,
    clerk: Clerk,
    inspectionId: string,
    revision: number,
    rejection?: { note: string; error: string },
    protocolForm?: { number: string; date: string; error: string; field: 'numero' | 'data' },
    /** The report version (1-based) whose signers' and authorities' revocation status is asked online now. */
    onlineVersion?: number,
  ) {
    const record = await store.getRevision(inspectionId, revision);
    if (!record) return notFound(reply, clerk);
    const parsed = parseSealedFile(record.file);
    const file = parsed.ok ? parsed.value : null;
    // The checklist and rule set the file names (a file naming no territory is its rule set's territory's).
    const resolved = file ? resolveFile(file) : null;
    const rs = resolved?.ok ? resolved.value.ruleSet : undefined;
    const checklist = resolved?.ok ? resolved.value.checklist : undefined;
    const result = file && rs ? evaluate(file, rs, checklist) : null;
    const order = { fail: 0, warn: 1, na: 2, pass: 3 } as const;
    const findings: Finding[] = result ? [...result.findings].sort((a, b) => order[a.outcome] - order[b.outcome]) : [];
    const items = new Map((checklist?.items ?? []).map((i) => [i.id, i]));
    const others = (await store.listRevisionsOf(record.inspectionId)).filter((r) => r.revision !== record.revision);
    const [owner, transfers, devices] = await Promise.all([
      store.visitDevice(record.inspectionId),
      store.listTransfers(record.inspectionId),
      store.listDevices(),
    ]);
    const registrations = record.review.status === 'validata' ? await store.listRegistrations(record.inspectionId, record.revision) : [];
    const verifier = await loadVerifier();
    // Report versions in the order they arrived (a co-signature is a later one): the last is current.
    const reports: ReportVersion[] = [];
    const reportFiles = record.attachments.filter((x) => x.kind === 'report');
    if (onlineVersion !== undefined && !reportFiles[onlineVersion - 1])
      return onlineRefused(
        reply,
        clerk,
        record,
        `Versione del verbale ${onlineVersion} inesistente: questa revisione ne ha ${reportFiles.length}.`,
        404,
      );
    const versionOf = (sha256: string) => {
      const i = reportFiles.findIndex((x) => x.sha256 === sha256);
      return i < 0 ? null : i + 1;
    };
    for (const [i, a] of reportFiles.entries()) {
      let verification: ReportVersion['verification'];
      if (!verifier) verification = { kind: 'unavailable' };
      else {
        try {
          verification = { kind: 'result', result: await verifier(await readFile(blobs.blobPath(a.sha256)), { caPem: ctx.caPem }) };
        } catch (e) {
          verification = { kind: 'error', message: (e as Error).message };
        }
      }
      // Asked of the responders now, as `vigilanza verify --online`; nothing of it is stored.
      let online: ReportVersion['online'];
      if (verifier && onlineVersion === i + 1) {
        const checkedAt = formatInstant(new Date().toISOString());
        try {
          const result = await verifier(await readFile(blobs.blobPath(a.sha256)), {
            caPem: ctx.caPem,
            online: { timeoutMs: ONLINE_TIMEOUT_MS },
          });
          online = { kind: 'result', checkedAt, result };
        } catch (e) {
          online = { kind: 'error', message: (e as Error).message };
        }
      }
      reports.push({
        href: `/allegati/${a.sha256}`,
        name: a.name,
        size: formatSize(a.size),
        arrivedAt: a.addedAt ? formatInstant(a.addedAt) : undefined,
        verification,
        ...(online ? { online } : {}),
        ...(a.derivedFrom ? { madeByOffice: { fromVersion: versionOf(a.derivedFrom) } } : {}),
      });
    }
    const longTerm: LongTermNotice[] = [];
    for (const q of await store.augmentationsOf(record.inspectionId, record.revision)) {
      // Without a TSA nothing is tried: the rows wait for `serve --tsa` and say nothing meanwhile.
      if (q.status === 'in_attesa' && ctx.longTerm)
        longTerm.push({ version: versionOf(q.sha256), kind: 'waiting', text: 'validazione a lungo termine (PAdES B-LTA) in attesa' });
      else if (q.status === 'errore')
        longTerm.push({
          version: versionOf(q.sha256),
          kind: 'failed',
          text: `validazione a lungo termine non riuscita (${q.attempts === 1 ? '1 tentativo' : `${q.attempts} tentativi`}): ${q.lastError ?? 'motivo non registrato'}. Nuovo tentativo dal ${formatInstant(q.nextTryAt)}.`,
        });
    }
    const laterChecks = await store.verificationsOf(record.inspectionId);
    const open = record.review.status === 'ricevuta' || record.review.status === 'in_validazione';
    const answers = file?.answers ?? {};
    const codes = [...new Set([...findings.map((f) => f.rule), ...record.prescriptions.map((p) => p.rule), ...Object.keys(answers)])];
    return view(
      reply,
      clerk,
      `${record.serviceName} — visita del ${formatDate(record.visitDate)}`,
      '/coda',
      createElement(InspectionReview, {
        at: inspectionHref(record),
        csrf: clerk.csrf,
        revision: record.revision,
        purpose: PURPOSE_LABELS[record.purpose as Purpose] ?? record.purpose,
        inspectorName: record.inspectorName,
        receivedAt: formatInstant(record.receivedAt),
        status: STATUS_LABELS[record.review.status],
        audit: record.audit,
        notes: record.review.notes,
        commissionReason: file?.visit.commissionIncompleteReason,
        place: file?.visit.place,
        time: (file && visitTimeText(file.visit.startTime, file.visit.endTime)) ?? undefined,
        protocol:
          record.review.status === 'validata'
            ? {
                registrations: registrations.map((g) => ({
                  number: g.number,
                  date: formatDate(g.date),
                  clerkName: g.clerkName,
                  registeredAt: formatInstant(g.registeredAt),
                })),
                numberMax: PROTOCOL_NUMBER_MAX,
                form: protocolForm,
              }
            : undefined,
        decision: open ? { canTake: record.review.status === 'ricevuta', rejectionMax: REJECTION_NOTES_MAX, rejection } : undefined,
        laptop: {
          owner: owner ? deviceLabel(owner) : undefined,
          transfers: transfers.map((t) => ({
            at: formatInstant(t.at),
            clerkName: t.clerkName,
            from: deviceLabel(t.fromDevice),
            to: deviceLabel(t.toDevice),
            reason: t.reason,
          })),
          candidates: devices.filter((d) => d.deviceId !== owner?.deviceId).map((d) => ({ deviceId: d.deviceId, label: deviceLabel(d) })),
          reasonMax: TRANSFER_REASON_MAX,
        },
        findings: result
          ? findings.map((f) => ({
              check: checkLabel(f.rule, items, rs ? namedChecks(rs) : undefined),
              outcome: f.outcome,
              outcomeLabel: OUTCOME_LABELS[f.outcome],
              article: f.article,
              message: findingText(f),
            }))
          : null,
        evaluationError: parsed.ok ? 'set di regole sconosciuto' : parsed.errors.join('; '),
        prescriptions: record.prescriptions.map((p, i) => {
          const v = laterChecks.get(i);
          return {
            check: checkLabel(p.rule, items, rs ? namedChecks(rs) : undefined),
            text: p.text,
            deadline: formatDate(p.deadline),
            verified: v
              ? `${VERIFICATION_LABELS[v.outcome]} (visita del ${formatDate(v.visitDate)})${v.consequence ? ` — ${consequenceText(v.consequence)}` : ''}`
              : '',
          };
        }),
        prescriptionPlural: (resolved?.ok ? resolved.value.territory : ctx.territory).prescription.plural,
        verifications: (file?.verifications ?? []).map((v) => ({
          visitDate: formatDate(v.prescription.visitDate),
          check: checkLabel(v.prescription.rule, items, rs ? namedChecks(rs) : undefined),
          text: v.prescription.text,
          deadline: formatDate(v.prescription.deadline),
          outcome: VERIFICATION_LABELS[v.outcome],
          consequence: v.consequence ? consequenceText(v.consequence) : '',
          note: v.note ?? '',
        })),
        reports,
        longTerm,
        photos: record.attachments.filter((a) => a.kind === 'photo').map((p) => ({ href: `/allegati/${p.sha256}`, name: p.name })),
        answers: answersInSchedaOrder(answers, checklist?.items ?? []).map(([id, a]) => ({
          section: sectionLabel(items.get(id)?.section),
          check: checkLabel(id, items, rs ? namedChecks(rs) : undefined),
          answer:
            items.get(id)?.kind === 'register' && typeof a.value === 'string' && a.value !== 'na'
              ? registerAnswerText(a.value, file?.registerEntries ?? [])
              : answerText(a.value),
          note: a.note ?? '',
        })),
        others: others.map((o) => ({
          href: inspectionHref(o),
          revision: o.revision,
          status: STATUS_LABELS[o.review.status],
          notes: o.review.notes,
        })),
        support: {
          inspectionId: record.inspectionId,
          contentHash: record.contentHash,
          ruleSet: file?.ruleSet,
          attachments: record.attachments.map((a) => ({ name: a.name, size: formatSize(a.size), bytes: a.size, sha256: a.sha256 })),
          codes: codes.map((code) => ({ check: checkLabel(code, items, rs ? namedChecks(rs) : undefined), code })),
        },
      }),
      rejection || protocolForm ? 400 : 200,
    );
  }

  // The act's protocol number and date, once the Comune's protocol registers it: kept by the office, never written into the signed PDF.
  app.post(
    '/ispezioni/:id/:rev/protocollo',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => {
      const revision = Number(req.params.rev);
      const number = String(req.body.numero ?? '');
      const dateText = String(req.body.data ?? '');
      const at = inspectionHref({ inspectionId: req.params.id, revision });
      const refuse = (message: string, status: number) =>
        view(
          reply,
          clerk,
          'Protocollo non registrato',
          '/coda',
          createElement(Message, { error: capitalised(message) + '.', back: backToInspection(at) }),
          status,
        );
      const again = (field: 'numero' | 'data', error: string) =>
        inspectionPage(reply, clerk, req.params.id, revision, undefined, { number, date: dateText, error, field });
      // The revision's state first: the form is on the page of a validated revision only (the store checks again, in its transaction).
      const record = await store.getRevision(req.params.id, revision);
      if (!record) return notFound(reply, clerk);
      if (record.review.status !== 'validata') return refuse(PROTOCOL_NEEDS_VALIDATION, 400);
      const parsed = parseItalianDate(dateText);
      if (!parsed.ok) return again('data', `Data del protocollo: ${parsed.message}.`);
      if (!parsed.date) return again('data', 'Data del protocollo: obbligatoria, come gg/mm/aaaa (per esempio 03/12/2026).');
      try {
        await store.registerProtocol({
          inspectionId: req.params.id,
          revision,
          number,
          date: parsed.date,
          today: ctx.today(),
          clerkId: clerk.clerkId,
        });
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        if (e.field === 'numero' || e.field === 'data') {
          const text = capitalised(e.message);
          return again(e.field, `${text}.`);
        }
        return refuse(e.message, e.field === 'id' ? 404 : 400);
      }
      return reply.redirect(`${at}#protocollo-titolo`, 303);
    }),
  );

  // The revocation status of a report version's signers and timestamp authorities asked now (OCSP, else CRL):
  // shown on the page it is asked from, stored nowhere; a responder out of reach is said in the page, not a failure.
  app.post(
    '/ispezioni/:id/:rev/revoca-online',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => {
      const revision = Number(req.params.rev);
      const version = String(req.body.versione ?? '');
      if (!/^[1-9]\d{0,3}$/.test(version))
        return onlineRefused(
          reply,
          clerk,
          { inspectionId: req.params.id, revision },
          'Versione del verbale mancante o non valida: usare il pulsante accanto alla versione da verificare.',
          400,
        );
      return inspectionPage(reply, clerk, req.params.id, revision, undefined, undefined, Number(version));
    }),
  );

  app.post(
    '/ispezioni/:id/:rev/prendi',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => {
      await store.takeInReview(req.params.id, Number(req.params.rev), clerk.clerkId);
      return reply.redirect(`/ispezioni/${encodeURIComponent(req.params.id)}/${Number(req.params.rev)}`, 303);
    }),
  );

  for (const [action, decision] of [
    ['valida', 'validated'],
    ['respingi', 'rejected'],
  ] as const) {
    app.post(
      `/ispezioni/:id/:rev/${action}`,
      page<{ id: string; rev: string }>(async (req, reply, clerk) => {
        if (decision === 'rejected') {
          const note = String(req.body.note ?? '');
          const error = rejectionNotesError(note);
          if (error) return inspectionPage(reply, clerk, req.params.id, Number(req.params.rev), { note, error });
        }
        // A validation cannot be undone: the first POST shows what the laptop will receive, the second (conferma=si) sends it.
        if (decision === 'validated' && req.body.conferma !== 'si')
          return validationConfirmation(reply, clerk, req.params.id, Number(req.params.rev));
        let queued = false;
        try {
          await store.decide(
            req.params.id,
            Number(req.params.rev),
            decision,
            decision === 'rejected' ? String(req.body.note ?? '') : null,
            clerk.clerkId,
            // Prescriptions to the service (the signed report attached if the clerk ticked it), notes to the
            // inspector: written in the decision's transaction, so a decision never commits without its message.
            async (sql) => {
              queued = await ctx.mail.revisionDecided(sql, req.params.id, Number(req.params.rev), {
                attachReport: req.body.allega_verbale === 'si',
              });
            },
          );
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          const at = inspectionHref({ inspectionId: req.params.id, revision: Number(req.params.rev) });
          return view(
            reply,
            clerk,
            'Decisione non registrata',
            '/coda',
            createElement(Message, { error: e.message, back: backToInspection(at) }),
            e.field === 'id' ? 404 : 400,
          );
        }
        if (queued) ctx.mail.kick();
        return reply.redirect(`/coda?scheda=${decision === 'validated' ? 'validate' : 'respinte'}`, 303);
      }),
    );
  }

  async function validationConfirmation(reply: FastifyReply, clerk: Clerk, inspectionId: string, revision: number) {
    const at = inspectionHref({ inspectionId, revision });
    const record = await store.getRevision(inspectionId, revision);
    if (!record) return notFound(reply, clerk);
    if (record.review.status === 'validata' || record.review.status === 'respinta')
      return view(
        reply,
        clerk,
        'Decisione non registrata',
        '/coda',
        createElement(Message, {
          error: `Questa revisione è già ${STATUS_LABELS[record.review.status].toLowerCase()}: non si può validare.`,
          back: backToInspection(at),
        }),
        400,
      );
    const owner = await store.visitDevice(inspectionId);
    return view(
      reply,
      clerk,
      'Confermare la validazione',
      '/coda',
      createElement(ValidationConfirmation, {
        at,
        csrf: clerk.csrf,
        serviceName: record.serviceName,
        visitDate: formatDate(record.visitDate),
        laptop: owner ? deviceLabel(owner) : `di ${record.inspectorName}`,
        revision: record.revision,
        inspectorName: record.inspectorName,
        receivedAt: formatInstant(record.receivedAt),
        prescriptions: record.prescriptions.length,
        prescriptionWord: record.prescriptions.length === 1 ? ctx.territory.prescription.singular : ctx.territory.prescription.plural,
        serviceAddress: record.serviceId ? await ctx.mail.outbox.serviceAddress(record.serviceId) : null,
        hasReport: !!signedReport(record),
      }),
    );
  }

  app.get(
    '/allegati/:sha',
    page<{ sha: string }>(async (req, reply) => {
      const sha = req.params.sha;
      if (!/^[0-9a-f]{64}$/.test(sha) || !(await store.attachmentKnown(sha)) || (await blobs.has(sha)) === null)
        return send(reply, 404, layout({ title: 'Allegato non trovato', body: null }));
      const handle = await readFile(blobs.blobPath(sha));
      const mime = sniffMime(handle.subarray(0, 8));
      reply.header(
        'Content-Security-Policy',
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; plugin-types application/pdf",
      );
      if (!mime) reply.header('Content-Disposition', `attachment; filename="${sha}.bin"`);
      return reply
        .type(mime ?? 'application/octet-stream')
        .header('Cache-Control', 'private, max-age=86400')
        .send(handle);
    }),
  );
}
