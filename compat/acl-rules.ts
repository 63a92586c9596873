/** Normalising ACL rule strings for compat comparisons. */
/**
 * Sorts each run of single-command rules (+cmd, -cmd, +cmd|sub) in every line holding "@all"
 * (ACL LIST lines, GETUSER's commands, an ACL file): Redis writes them in its command dict's hash
 * order, random per process. Categories and everything else keep their places.
 */
export function sortRules(raw: string): string {
  return raw.replace(/()([^\r\n]*@all[^\r\n]*)()/g, (_m, head: string, body: string, tail: string) => {
    const tokens = body.split(' ');
    const out: string[] = [];
    let run: string[] = [];
    const flush = () => {
      out.push(...run.sort());
      run = [];
    };
    for (const t of tokens) {
      if (/^[+-][^@()][^()]*$/.test(t)) run.push(t);
      else {
        flush();
        out.push(t);
      }
    }
    flush();
    return head + out.join(' ') + tail;
  });
}
