import type { Db } from './database';

/**
 * Runs `work` in a transaction: `db`'s own when it already is one (a caller composing several
 * steps into one unit, such as a referral that creates, signs and queues), else a new one.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
