/**
 * 008: a placeholder, only on this branch. Another branch adds the real 008 at the same time;
 * db/open.ts needs consecutive versions, so this stands in until the merge, where it is dropped
 * for that 008 (009 does not depend on what 008 does).
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 8,
  name: 'placeholder',
  up() {},
};
