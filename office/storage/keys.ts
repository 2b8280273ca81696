/**
 * How the office compares service names and Comuni of revisions not linked to the registry: trimmed
 * and lower-cased the Italian way. Computed in JS and stored (`revisions.service_key`), because
 * SQLite's lower() folds only ASCII and names carry accents.
 */
export const serviceKey = (s: string | null | undefined): string => (s ?? '').trim().toLocaleLowerCase('it');
