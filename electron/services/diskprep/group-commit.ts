import type { Journal, JournalRecord } from './journal.ts';

/**
 * Group commit for the copy phase: commit records of files that became durable while the journal was busy are
 * appended together (one write and one fsync per journal copy). A batch stays open until the previous one is on
 * the disk, so a lone file waits for nothing and a burst of small files shares one fsync.
 */
export class GroupCommit {
  private readonly journal: Journal;
  private open: { recs: JournalRecord[]; done: Promise<void> } | null = null;
  private last: Promise<void> = Promise.resolve();

  constructor(journal: Journal) {
    this.journal = journal;
  }

  /** Resolves once `rec` is durable in the journal (disk and mirror). Only for records of durable files. */
  add(rec: JournalRecord): Promise<void> {
    if (!this.open) {
      const batch = { recs: [] as JournalRecord[], done: Promise.resolve() };
      batch.done = this.last.then(() => {
        if (this.open === batch) this.open = null;
        return this.journal.appendMany(batch.recs);
      });
      this.last = batch.done.catch(() => undefined);
      this.open = batch;
    }
    this.open.recs.push(rec);
    return this.open.done;
  }
}
