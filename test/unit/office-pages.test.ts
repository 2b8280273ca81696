/** The office review pages as React components: the layout around either kind of body, escaping, what shows when. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { fromReact, html, layout } from '../../office/review/html.ts';
import { InspectionReview, type InspectionReviewProps } from '../../office/review/InspectionReview.tsx';
import { TransferConfirmation } from '../../office/review/Transfers.tsx';

test('layout: the menu only for a clerk, the current page marked, a string body (the cruscotto) placed as is, the title escaped', () => {
  const page = layout({
    title: 'Cruscotto <b>',
    clerk: 'Ufficio "Zona"',
    csrf: 'tok',
    active: '/cruscotto',
    body: html`<p>${'<script>'}</p>`,
  });
  assert.match(page, /^<!doctype html>\n<html lang="it">/);
  assert.match(page, /<title>Cruscotto &lt;b&gt; — Vigilanza Nidi, ufficio<\/title>/);
  assert.match(page, /<h1>Cruscotto &lt;b&gt;<\/h1><div class="content"><p>&lt;script&gt;<\/p><\/div>/);
  assert.match(page, /<a href="\/cruscotto" aria-current="page">Cruscotto<\/a>/);
  assert.equal((page.match(/aria-current/g) ?? []).length, 1);
  assert.match(page, /name="_csrf" value="tok"/);
  assert.match(page, /<span>Ufficio &quot;Zona&quot;<\/span>/);
  const login = layout({ title: 'Accesso', body: createElement('p', null, 'x') });
  assert.doesNotMatch(login, /<nav|Esci/);
});

const review: InspectionReviewProps = {
  at: '/ispezioni/v/1',
  csrf: 'tok',
  revision: 1,
  purpose: 'Verifica periodica',
  inspectorName: 'Maria <Rossi>',
  receivedAt: '02/12/2026 alle 10:00',
  status: 'Ricevuta',
  audit: null,
  notes: null,
  decision: { canTake: true, rejectionMax: 4000, rejection: { note: '</textarea><script>', error: 'Scrivere le note' } },
  laptop: { transfers: [], candidates: [], reasonMax: 500 },
  findings: [],
  prescriptions: [],
  reports: [],
  photos: [],
  answers: [],
  others: [],
  support: { inspectionId: 'v', contentHash: 'h', attachments: [], codes: [] },
};

test('inspection page: the refused notes come back escaped on their field; no decision forms once decided', () => {
  const open = fromReact(createElement(InspectionReview, review)).text;
  assert.match(open, /inviata da Maria &lt;Rossi&gt;/);
  assert.match(
    open,
    /<textarea id="note-respingi" name="note" maxLength="4000" aria-invalid="true" aria-describedby="note-respingi-errore"[^>]*>&lt;\/textarea&gt;&lt;script&gt;<\/textarea>/,
  );
  assert.match(open, /action="\/ispezioni\/v\/1\/prendi"/);
  assert.match(open, /Nessun altro portatile associato/);
  const closed = fromReact(createElement(InspectionReview, { ...review, decision: undefined, status: 'Validata' })).text;
  assert.doesNotMatch(closed, /\/valida"|\/respingi"|\/prendi"/);
  const unreadable = fromReact(
    createElement(InspectionReview, { ...review, findings: null, evaluationError: 'set di regole sconosciuto' }),
  ).text;
  assert.match(unreadable, /Impossibile valutare il file: set di regole sconosciuto/);
});

test("inspection page: the place and time of the visit, as the report's heading says them, only when recorded", () => {
  const both = fromReact(createElement(InspectionReview, { ...review, place: 'Sede <del> servizio', time: 'dalle 09:30 alle 12:15' })).text;
  assert.match(
    both,
    /<p data-testid="visit-place-time">Luogo: <strong>Sede &lt;del&gt; servizio<\/strong> · Ora: <strong>dalle 09:30 alle 12:15<\/strong><\/p>/,
  );
  const time = fromReact(createElement(InspectionReview, { ...review, time: 'dalle 09:30' })).text;
  assert.match(time, /<p data-testid="visit-place-time">Ora: <strong>dalle 09:30<\/strong><\/p>/);
  assert.doesNotMatch(fromReact(createElement(InspectionReview, review)).text, /visit-place-time|Luogo:/);
});

test('transfer confirmation: the choice travels in hidden fields, escaped', () => {
  const page = fromReact(
    createElement(TransferConfirmation, {
      at: '/ispezioni/v/1',
      csrf: 'tok',
      from: 'A',
      to: 'B',
      toDeviceId: 'd"1',
      reason: 'rubato "ieri"',
    }),
  ).text;
  assert.match(page, /name="dispositivo" value="d&quot;1"/);
  assert.match(page, /name="motivo" value="rubato &quot;ieri&quot;"/);
  assert.match(page, /name="conferma" value="si"/);
  assert.match(page, /action="\/ispezioni\/v\/1\/trasferisci"/);
});
