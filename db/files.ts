/** The database's file name in a data folder, apart from store.ts so that a shell can test for it without loading SQLite. */
export const DB_FILE = 'vigilanza.db';
