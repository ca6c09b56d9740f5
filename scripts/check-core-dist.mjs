#!/usr/bin/env node
// Keeps @x/mcp-core runtime-free.
//
//   node scripts/check-core-dist.mjs              check packages/mcp-core/dist and src
//   node scripts/check-core-dist.mjs --self-test  check the checker on synthetic snippets
//
// Scans the built core (dist/*.js, *.cjs, *.d.ts, *.d.cts) and its sources
// (src/**/*.ts without *.test.ts) and fails, listing file:line:col, when one of them
//   * imports/requires a `node:` (or any other `scheme:`) specifier or a bare Node builtin
//     (`fs`, `fs/promises`, `http`, `stream`, `buffer`, `crypto`, `events`, ...),
//   * imports a package that is not a declared dependency of @x/mcp-core,
//   * uses Node globals as code: `process.` / `process[`, `Buffer`, `__dirname`,
//     `__filename`, `global.`, `globalThis.process`, `NodeJS.*` types, `setImmediate`,
//     or `require(` outside a CommonJS file,
//   * pulls Node typings in with `/// <reference types="node" />`.
// Comments, string contents and regular-expression literals are blanked out before the
// identifier checks, so "process" in a JSDoc or an error message is not flagged.
// No dependencies: a small JS/TS lexer plus regular expressions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORE = join(ROOT, 'packages', 'mcp-core');

const NODE_BUILTINS = new Set([
  ...builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.split('/')[0]),
  // spelled out too, so the list does not depend on the running Node's version
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants', 'crypto',
  'dgram', 'diagnostics_channel', 'dns', 'domain', 'events', 'fs', 'http', 'http2', 'https',
  'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'punycode', 'querystring',
  'readline', 'repl', 'stream', 'string_decoder', 'sys', 'timers', 'tls', 'trace_events', 'tty',
  'url', 'util', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib', 'test', 'sqlite', 'sea',
]);

// ---------------------------------------------------------------------------------------
// Lexer: returns `code` (same length and line breaks as the input, with comments, string
// and template contents and regex bodies replaced by spaces; quotes are kept) and the
// string literals by the offset of their opening quote.
// ---------------------------------------------------------------------------------------
const REGEX_AFTER_WORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do',
  'else', 'yield', 'await', 'extends',
]);

export function lex(text) {
  const out = text.split('');
  const strings = new Map(); // offset of opening quote -> { value, end }
  const comments = []; // [start, end)
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  const n = text.length;
  let i = 0;
  let lastSig = ''; // last significant character outside comments/strings
  let lastWord = '';
  const braceStack = []; // for `${ ... }` inside template literals: depth at which to resume
  let depth = 0;

  const readString = (q) => {
    // i at opening quote
    const start = i;
    let value = '';
    i++;
    while (i < n && text[i] !== q) {
      if (text[i] === '\\') { value += text[i + 1] ?? ''; i += 2; continue; }
      if (text[i] === '\n') break; // unterminated; stop at line end
      value += text[i++];
    }
    strings.set(start, { value, end: i });
    blank(start + 1, Math.min(i, n));
    i++; // closing quote
  };

  // template literal body from i (just after ` or after the `}` closing a ${}), until ` or ${
  const readTemplate = (start) => {
    let value = '';
    let plain = true;
    const bodyStart = i;
    while (i < n) {
      const c = text[i];
      if (c === '\\') { value += text[i + 1] ?? ''; i += 2; continue; }
      if (c === '`') {
        blank(bodyStart, i);
        if (start !== null && plain) strings.set(start, { value, end: i });
        i++;
        return;
      }
      if (c === '$' && text[i + 1] === '{') {
        blank(bodyStart, i);
        i += 2;
        braceStack.push(depth);
        depth++;
        plain = false;
        return;
      }
      value += c;
      i++;
    }
    blank(bodyStart, n);
  };

  const regexAllowed = () =>
    lastSig === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSig) || REGEX_AFTER_WORD.has(lastWord);

  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      comments.push([i, stop]);
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      comments.push([i, stop]);
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') { readString(c); lastSig = c; lastWord = ''; continue; }
    if (c === '`') { const s = i; i++; readTemplate(s); lastSig = '`'; lastWord = ''; continue; }
    if (c === '{') { depth++; lastSig = c; lastWord = ''; i++; continue; }
    if (c === '}') {
      if (braceStack.length && braceStack[braceStack.length - 1] === depth - 1) {
        braceStack.pop();
        depth--;
        i++;
        readTemplate(null);
        lastSig = '`';
        lastWord = '';
        continue;
      }
      depth--; lastSig = c; lastWord = ''; i++; continue;
    }
    if (c === '/' && regexAllowed()) {
      // regular-expression literal: scan to the closing slash (not inside a class)
      let j = i + 1;
      let inClass = false;
      let ok = false;
      while (j < n && text[j] !== '\n') {
        const e = text[j];
        if (e === '\\') { j += 2; continue; }
        if (e === '[') inClass = true;
        else if (e === ']') inClass = false;
        else if (e === '/' && !inClass) { ok = true; break; }
        j++;
      }
      if (ok) {
        blank(i + 1, j);
        i = j + 1;
        while (i < n && /[a-z]/i.test(text[i])) i++;
        lastSig = ')'; // a regex is an operand
        lastWord = '';
        continue;
      }
    }
    if (/[A-Za-z_$\d]/.test(c)) {
      let j = i;
      while (j < n && /[\w$]/.test(text[j])) j++;
      lastWord = text.slice(i, j);
      lastSig = 'a';
      i = j;
      continue;
    }
    if (!/\s/.test(c)) { lastSig = c; lastWord = ''; }
    i++;
  }
  return { code: out.join(''), strings, comments };
}

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------
function lineStarts(text) {
  const starts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') starts.push(k + 1);
  return starts;
}
function position(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo] + 1 };
}

function classifySpecifier(spec, allowed) {
  if (spec.startsWith('.') || spec.startsWith('/')) return null;
  if (spec.startsWith('node:')) return `Node builtin '${spec}'`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec)) return `runtime-specific specifier '${spec}'`;
  const parts = spec.split('/');
  const pkg = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (NODE_BUILTINS.has(parts[0])) return `Node builtin '${spec}'`;
  if (!allowed.has(pkg)) return `import of '${pkg}', which is not a dependency of @x/mcp-core (allowed: ${[...allowed].join(', ')})`;
  return null;
}

/**
 * kind: 'esm' (.js, .mjs, .ts source), 'cjs' (.cjs), 'dts' (.d.ts), 'dcts' (.d.cts)
 * Returns [{ offset, line, col, message }].
 */
export function scan(text, kind, allowed) {
  const { code, strings } = lex(text);
  const starts = lineStarts(text);
  const found = [];
  const add = (offset, message) => found.push({ offset, ...position(starts, offset), message });
  const stringAt = (offset) => strings.get(offset);

  // --- module specifiers ---------------------------------------------------------------
  const specPatterns = [
    [/(?<![\w$.#])from\s*(?=['"])/g, 'import'],
    [/(?<![\w$.#])import\s*(?=['"])/g, 'import'],
    [/(?<![\w$.#])import\s*\(\s*/g, 'dynamic import()'],
    [/(?<![\w$.#])require\s*\(\s*/g, 'require()'],
    [/(?<![\w$.#])declare\s+module\s*(?=['"])/g, 'declare module'],
  ];
  for (const [re, what] of specPatterns) {
    for (const m of code.matchAll(re)) {
      const at = m.index + m[0].length;
      const lit = stringAt(at);
      if (!lit) {
        if (what === 'dynamic import()') add(m.index, 'dynamic import() with a non-literal specifier');
        continue; // require(x) with a non-literal is caught below in ESM; ignore in CJS
      }
      const why = classifySpecifier(lit.value, allowed);
      if (why) add(at, `${what}: ${why}`);
    }
  }

  // --- triple-slash directives (they live in comments) -----------------------------------
  for (const m of text.matchAll(/^[ \t]*\/\/\/[ \t]*<reference[ \t]+types[ \t]*=[ \t]*["']([^"']+)["']/gm)) {
    const why = classifySpecifier(m[1], allowed);
    if (why || m[1] === 'node') add(m.index, `/// <reference types="${m[1]}" />: ${why ?? 'Node typings'}`);
  }

  // --- Node globals used as code -------------------------------------------------------------
  const globalPatterns = [
    [/(?<![\w$.#])process(?=\s*(?:\?\.|\.|\[))/g, "Node global 'process'"],
    [/(?<=(?<![\w$.#])typeof\s+)process(?![\w$])/g, "Node global 'process'"],
    [/(?<![\w$.#])Buffer(?![\w$])(?!(?<=[{,]\s*Buffer)\s*\??:)/g, "Node global 'Buffer'"],
    [/(?<![\w$.#])__(?:dirname|filename)(?![\w$])/g, 'CommonJS-only __dirname/__filename'],
    [/(?<![\w$.#])global(?=\s*(?:\?\.|\.|\[))/g, "Node global 'global'"],
    [/(?<![\w$.#])globalThis\s*(?:\?\.|\.)\s*(?:process|Buffer|require|global|setImmediate)(?![\w$])/g, 'Node global via globalThis'],
    [/(?<![\w$.#])NodeJS\s*\./g, "Node typings namespace 'NodeJS'"],
    [/(?<![\w$.#])(?:setImmediate|clearImmediate)(?![\w$])/g, 'Node-only timer setImmediate/clearImmediate'],
  ];
  if (kind === 'esm' || kind === 'dts') {
    globalPatterns.push([/(?<![\w$.#])require(?=\s*(?:\(|\.\s*resolve))/g, "'require' in an ES module"]);
  }
  for (const [re, message] of globalPatterns) for (const m of code.matchAll(re)) add(m.index, message);

  found.sort((a, b) => a.offset - b.offset);
  return found;
}

function kindOf(file) {
  if (file.endsWith('.d.cts')) return 'dcts';
  if (file.endsWith('.d.ts') || file.endsWith('.d.mts')) return 'dts';
  if (file.endsWith('.cjs')) return 'cjs';
  return 'esm';
}

function listSources(dir) {
  const files = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...listSources(p));
    else if (/\.(m|c)?ts$/.test(e.name) && !/\.test\.(m|c)?ts$/.test(e.name) && !/\.d\.(m|c)?ts$/.test(e.name)) files.push(p);
  }
  return files;
}

function allowedDeps() {
  const pkg = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8'));
  return new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
}

function main() {
  const allowed = allowedDeps();
  const dist = join(CORE, 'dist');
  if (!existsSync(dist)) {
    console.error('check-core-dist: packages/mcp-core/dist does not exist; build first (pnpm build)');
    return 1;
  }
  const distFiles = readdirSync(dist)
    .filter((f) => /\.(js|cjs|mjs)$/.test(f) || /\.d\.(c|m)?ts$/.test(f))
    .map((f) => join(dist, f));
  if (!distFiles.some((f) => f.endsWith('.js'))) {
    console.error('check-core-dist: no .js file in packages/mcp-core/dist; build first (pnpm build)');
    return 1;
  }
  const files = [...distFiles, ...listSources(join(CORE, 'src'))];
  let count = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    for (const f of scan(text, kindOf(file), allowed)) {
      count++;
      const src = (lines[f.line - 1] ?? '').trim();
      console.error(`${relative(ROOT, file)}:${f.line}:${f.col}: ${f.message}\n    ${src.length > 160 ? src.slice(0, 157) + '...' : src}`);
    }
  }
  if (count) {
    console.error(`\ncheck-core-dist: ${count} runtime-specific reference(s) in @x/mcp-core; the core must run on any web-standards runtime.`);
    return 1;
  }
  console.log(`check-core-dist: OK, ${files.length} files (dist + src) free of Node-specific imports and globals`);
  return 0;
}

// ---------------------------------------------------------------------------------------
// Self-test
// ---------------------------------------------------------------------------------------
function selfTest() {
  const allowed = new Set(['valibot', '@valibot/to-json-schema', '@standard-schema/spec']);
  // [name, kind, snippet, expected number of findings (or a regex every finding must match)]
  const bad = [
    ['node: import', 'esm', "import { readFile } from 'node:fs/promises';", /Node builtin 'node:fs\/promises'/],
    ['bare builtin', 'esm', "import { EventEmitter } from 'events';", /Node builtin 'events'/],
    ['bare builtin subpath', 'esm', "import x from 'stream/web';", /Node builtin/],
    ['side-effect import', 'esm', "import 'http';", /Node builtin 'http'/],
    ['multi-line import', 'esm', "import {\n  a,\n  b,\n} from\n  'crypto';", /Node builtin 'crypto'/],
    ['export from', 'esm', "export * from 'node:buffer';", /Node builtin/],
    ['dynamic import', 'esm', "const m = await import('node:async_hooks');", /Node builtin/],
    ['type import', 'dts', "import type { IncomingMessage } from 'node:http';", /Node builtin/],
    ['typeof import type', 'dts', "type S = typeof import('fs');", /Node builtin/],
    ['cjs require builtin', 'cjs', "var fs = require('fs');", /Node builtin 'fs'/],
    ['cjs require node:', 'cjs', "var h = require(\"node:http\");", /Node builtin/],
    ['undeclared package', 'esm', "import { z } from 'zod';", /'zod', which is not a dependency/],
    ['undeclared scoped', 'esm', "import { x } from '@x/mcp-node-http';", /'@x\/mcp-node-http', which is not/],
    ['other scheme', 'esm', "import { Database } from 'bun:sqlite';", /runtime-specific specifier/],
    ['process.env', 'esm', 'const port = process.env.PORT;', /'process'/],
    ['process?.', 'esm', 'const v = process?.versions;', /'process'/],
    ['typeof process', 'esm', "if (typeof process !== 'undefined') {}", /'process'/],
    ['globalThis.process', 'esm', 'const p = globalThis.process;', /via globalThis/],
    ['Buffer.from', 'esm', "const b = Buffer.from('x');", /'Buffer'/],
    ['Buffer type', 'dts', 'declare function f(b: Buffer): void;', /'Buffer'/],
    ['new Buffer', 'esm', 'const b = new Buffer(3);', /'Buffer'/],
    ['__dirname', 'esm', "const p = __dirname + '/x';", /__dirname/],
    ['__dirname in cjs', 'cjs', 'var p = __dirname;', /__dirname/],
    ['require in ESM', 'esm', "const v = require('valibot');", /'require' in an ES module/],
    ['require.resolve in ESM', 'esm', "const p = require.resolve('valibot');", /'require' in an ES module/],
    ['NodeJS type', 'dts', 'declare let t: NodeJS.Timeout;', /NodeJS/],
    ['setImmediate', 'esm', 'setImmediate(() => {});', /setImmediate/],
    ['global.', 'esm', 'global.x = 1;', /'global'/],
    ['reference types node', 'dts', '/// <reference types="node" />\nexport {};', /reference types="node"/],
    ['after template', 'esm', 'const s = `a ${`b ${1}`} c`;\nprocess.exit(1);', /'process'/],
    ['after regex with quote', 'esm', "const r = /['\"]/g;\nBuffer.alloc(1);", /'Buffer'/],
    ['ts source line number', 'esm', "/** docs */\nexport const a = 1;\n\nexport const b = process.pid;", (f) => f.length === 1 && f[0].line === 4 && f[0].col === 18],
  ];
  const clean = [
    ['allowed deps', 'esm', "import * as v from 'valibot';\nimport { toJsonSchema } from '@valibot/to-json-schema';\nimport type { StandardSchemaV1 } from '@standard-schema/spec';\nexport * from './x.js';\nimport('./lazy.js');"],
    ['allowed deps cjs', 'cjs', "var v = require('valibot');\nvar t = require('@valibot/to-json-schema');\nmodule.exports = { v, t };"],
    ['words in comments', 'esm', "/**\n * Sessions of this process. Buffer sizes. See require('fs') and process.env.\n * @example import { readFile } from 'node:fs';\n */\n// process.exit(); Buffer.from(); __dirname; import 'http';\nexport const a = 1;"],
    ['words in strings', 'esm', "const m = 'process.env is not used; Buffer.from; require(\"fs\")';\nconst t = `import x from 'node:fs'; ${'process.exit'}`;\nconst d = \"__dirname\";"],
    ['words in regex', 'esm', "const r = /process\\.env|Buffer\\(|from 'fs'/;\nconst s = /[/'\"]/;"],
    ['property and member names', 'esm', "const o = { process: 1, Buffer: 2 };\no.process.x = 1;\nthis.#process;\nclass A { process(x) { return x.Buffer; } }\nconst ab = new ArrayBuffer(8);\nconst n = new SharedArrayBuffer(8);"],
    ['web globals', 'esm', "const id = crypto.randomUUID();\nconst e = new TextEncoder();\nqueueMicrotask(() => {});\nconst st = new ReadableStream();\nsetTimeout(() => {}, 1);\nconst u = new URL('http://x');"],
    ['division', 'esm', 'const a = (b) / 2 / c;\nconst x = y[0] / 3;'],
    ['declare global', 'dts', 'declare global {\n  interface X { a: string }\n}\nexport {};'],
    ['reference types allowed', 'dts', '/// <reference types="valibot" />\nexport {};'],
  ];
  let failures = 0;
  for (const [name, kind, src, expect] of bad) {
    const f = scan(src, kind, allowed);
    const ok = typeof expect === 'function' ? expect(f) : f.length > 0 && f.every((x) => expect.test(x.message));
    if (!ok) {
      failures++;
      console.error(`self-test FAIL (should flag) ${name}: ${JSON.stringify(f.map((x) => `${x.line}:${x.col} ${x.message}`))}`);
    }
  }
  for (const [name, kind, src] of clean) {
    const f = scan(src, kind, allowed);
    if (f.length) {
      failures++;
      console.error(`self-test FAIL (should pass) ${name}: ${JSON.stringify(f.map((x) => `${x.line}:${x.col} ${x.message}`))}`);
    }
  }
  if (failures) {
    console.error(`check-core-dist self-test: ${failures} failure(s)`);
    return 1;
  }
  console.log(`check-core-dist self-test: OK (${bad.length} offending snippets flagged, ${clean.length} clean snippets passed)`);
  return 0;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--self-test');
  if (unknown.length) {
    console.error(`check-core-dist: unknown argument(s) ${unknown.join(' ')} (usage: check-core-dist.mjs [--self-test])`);
    process.exit(2);
  }
  process.exit(args.includes('--self-test') ? selfTest() : main());
}
