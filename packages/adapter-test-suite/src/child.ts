/**
 * Runs the fixture in another runtime (Bun, Deno) and waits for the `{"url":...}` line it prints.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AdapterTarget } from './suite.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

/** The first of `candidates` (paths relative to the repo root) that exists. */
export function runtimeBinary(...candidates: string[]): string {
  for (const c of candidates) if (existsSync(ROOT + c)) return ROOT + c;
  throw new Error(`runtime not installed: none of ${candidates.join(', ')} exists (run pnpm install)`);
}

/** Newest modification time of the source files under `dir` (tests excluded, as in the turbo build inputs). */
function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.test.ts')) time = Math.max(time, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return time;
}

/**
 * The child runs the packages' dist/ (as a user's Bun or Deno would), not their source: refuse to test a
 * stale build. `packages` are folder names under packages/.
 */
export function assertBuilt(...packages: string[]): void {
  for (const name of packages) {
    const dist = `${ROOT}packages/${name}/dist/index.js`;
    if (!existsSync(dist)) throw new Error(`packages/${name} is not built: run \`pnpm build\` first`);
    if (statSync(dist).mtimeMs < newest(`${ROOT}packages/${name}/src`)) {
      throw new Error(`packages/${name}/dist is older than its src/: run \`pnpm build\` first`);
    }
  }
}

export function startChild(command: string, args: string[], env: Record<string, string> = {}): Promise<AdapterTarget> {
  const child = spawn(command, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (err = (err + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${command} ${args.join(' ')}: ${why}\n--- stderr ---\n${err}`));
    };
    const timer = setTimeout(() => fail(`no URL on stdout within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (e) => fail(e.message));
    const early = (code: number | null, signal: string | null): void => fail(`exited (${code ?? signal}) before listening`);
    child.once('exit', early);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (!line) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({ url: (JSON.parse(line) as { url: string }).url, stop });
    });
  });
}
