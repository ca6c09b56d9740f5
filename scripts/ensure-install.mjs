#!/usr/bin/env node
// Installs the workspace when it is not installed yet (or the lockfile changed since),
// so that `npm start` and `npm test` work on a machine that has only Node and npm.
// pnpm itself comes from the npm registry through npx, pinned to the packageManager field.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.modules.yaml');
const lock = join(root, 'pnpm-lock.yaml');
const fresh = existsSync(marker) && (!existsSync(lock) || statSync(lock).mtimeMs <= statSync(marker).mtimeMs);
if (fresh && existsSync(join(root, 'node_modules', '.bin', 'pnpm'))) process.exit(0);

const pm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager; // "pnpm@x.y.z"
const args = ['-y', pm, 'install'];
if (process.env.CI) args.push('--frozen-lockfile');
console.error(`[setup] installing the workspace with ${pm} ...`);
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
