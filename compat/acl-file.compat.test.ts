/**
 * The ACL file against a real Redis 7.0.15: a server started with an aclfile loads it; ACL LOAD
 * reloads it (its errors, with file name and line, leave the users as they were; a successful
 * load closes the connections of the users it replaces); ACL SAVE writes users in ACL LIST's
 * format. Each server has a file of its own; the replies are compared with the file path
 * written as <file>.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { sortRules } from './acl-rules.js';
import { haveRealRedis } from './harness.js';
import { startRealRedis } from './real-redis.js';

const dir = mkdtempSync(join(tmpdir(), 'acl-file-compat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INITIAL =
  'user default on nopass ~* &* +@all\nuser alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~a* -@all +get\n';

/** Steps: a file content to write, or a command to send; the transcript of replies and files. */
type Step = { file: string } | { cmd: string[] } | { save: true } | { alice: string[] };

async function run(port: number, file: string, steps: Step[]): Promise<string[]> {
  const admin = await RawClient.connect(port);
  const alice = await RawClient.connect(port);
  const out: string[] = [];
  const norm = (s: string) => sortRules(s.split(file).join('<file>'));
  try {
    for (const st of steps) {
      if ('file' in st) writeFileSync(file, st.file);
      else if ('cmd' in st) out.push(norm(await admin.call(...st.cmd)));
      else if ('alice' in st) out.push(alice.closed ? 'closed' : norm(await alice.call(...st.alice).catch(() => 'closed')));
      else out.push(norm(readFileSync(file, 'latin1')));
    }
  } finally {
    admin.close();
    alice.close();
  }
  return out;
}

const STEPS: Step[] = [
  { cmd: ['ACL', 'LIST'] },
  { alice: ['AUTH', 'alice', 'password'] },
  { alice: ['GET', 'a1'] },
  {
    file: 'user bob on nopass +@all ~*\nnot a user line\nuser bob off\nuser carol +nosuch -@bad ~x foo\nuser dave (+get\nuser e\\x00 on\n',
  },
  { cmd: ['ACL', 'LOAD'] },
  { cmd: ['ACL', 'LIST'] },
  { alice: ['GET', 'a1'] },
  { file: '\n  user bob on >pw ~b* &b +@read -@dangerous (~c* +set)  \r\n\nuser default on nopass ~* &* +@all -flushall\n' },
  { cmd: ['ACL', 'LOAD'] },
  { cmd: ['ACL', 'LIST'] },
  { alice: ['GET', 'a1'] },
  { cmd: ['ACL', 'SETUSER', 'zed', 'on', '>z', '%R~z*', '+@hash'] },
  { cmd: ['ACL', 'SAVE'] },
  { save: true },
  { cmd: ['ACL', 'LOAD', 'x'] },
  { cmd: ['ACL', 'SAVE', 'x'] },
  { file: 'user default off' },
  { cmd: ['ACL', 'LOAD'] },
  { cmd: ['ACL', 'LIST'] },
];

describe.runIf(haveRealRedis)('compat: acl file', () => {
  it('loads at start, LOAD with errors and success, SAVE', async () => {
    const realFile = join(dir, 'real.acl');
    const simFile = join(dir, 'sim.acl');
    writeFileSync(realFile, INITIAL);
    writeFileSync(simFile, INITIAL);
    const real = await startRealRedis(['--aclfile', realFile]);
    const sim = await RedisSim.start({ port: 0, config: { aclfile: simFile } });
    try {
      if (!real) throw new Error('no real redis');
      const r = await run(real.port, realFile, STEPS);
      const s = await run(sim.port, simFile, STEPS);
      expect(s).toEqual(r);
    } finally {
      await sim.stop();
      await real?.stop();
    }
  });

  it('a bad aclfile stops the start', async () => {
    const bad = join(dir, 'bad.acl');
    writeFileSync(bad, 'user x +nosuch\n');
    await expect(RedisSim.start({ port: 0, config: { aclfile: bad } })).rejects.toThrow(
      `Aborting Redis startup because of ACL errors: ${bad}:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
    );
  });
});
