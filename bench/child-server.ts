/**
 * A server under benchmark in its own process (and process group): `node --import tsx <script>` from the
 * repository's root, ready once it prints `listening <port>`; every one still running is killed when the
 * benchmark exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './case-events/common.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- Child processes (each in its own process group, stopped on exit) ----------------------------------------

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.pid) process.kill(-c.pid, 'SIGKILL');
});

export async function startServer(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /listening (\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
  const stop = async () => {
    if (proc.exitCode === null) {
      process.kill(-proc.pid!, 'SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGKILL');
    }
    children.delete(proc);
  };
  return { port, pid: proc.pid!, stop };
}
