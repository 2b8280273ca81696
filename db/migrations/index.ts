/**
 * The schema history, in order. Append a new numbered file for every change (issue 6 adds the
 * sync outbox as 002); never edit or reorder a released one.
 */
import type { Migration } from './types.ts';
import { migration as m001 } from './001_initial.ts';
import { migration as m002 } from './002_sync_outbox.ts';
import { migration as m003 } from './003_sync_attachments_links.ts';
import { migration as m004 } from './004_sealed_triggers_tightened.ts';
import { migration as m005 } from './005_attachments_stay.ts';
import { migration as m006 } from './006_tamper_evidence.ts';
import { migration as m007 } from './007_personal_data_at_rest.ts';
import { migration as m008 } from './008_inspection_outcomes.ts';
import { migration as m009 } from './009_demo_data.ts';
import { migration as m010 } from './010_demo_seed_marked.ts';
import { migration as m011 } from './011_visit_place_times.ts';
import { migration as m012 } from './012_territory.ts';
import { migration as m013 } from './013_agenda.ts';
import { migration as m014 } from './014_educator_register.ts';
import { migration as m015 } from './015_long_term_attempts.ts';

export type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014, m015];

/** The schema version this build writes. */
export const LATEST_VERSION = MIGRATIONS.length ? MIGRATIONS[MIGRATIONS.length - 1]!.version : 0;
