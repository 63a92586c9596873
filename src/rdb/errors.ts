/**
 * Errors of the RDB codec. Loading a file reports Redis's log wording (rdb.c's rdbReportError and
 * rdbLoad's messages); RESTORE maps every body error to "ERR Bad data format" and a footer error to
 * "ERR DUMP payload version or checksum are wrong", as cluster.c does.
 */
export class RdbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbError';
  }
}

/** rdbReportCorruptRDB / rdbReportReadError: what Redis logs before aborting a load. */
export const SHORT_READ = 'Short read or OOM loading DB. Unrecoverable error, aborting now.';

export function corrupt(what: string): never {
  throw new RdbError(`Internal error in RDB reading offset 0, function at rdb.c:0 -> ${what}`);
}

export function shortRead(): never {
  throw new RdbError(SHORT_READ);
}
