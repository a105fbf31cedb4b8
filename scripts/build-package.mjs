#!/usr/bin/env node
// Builds the nestjs-iamport package into dist/libs/iamport, ready to pack:
//
//   package.json      libs/iamport/package.json as it is (exports, bin, peers)
//   README.md         libs/iamport/README.md
//   LICENSE           the repository's LICENSE
//   esm/              ES modules + .d.ts (package.json {"type":"module"})
//   esm/testing/      the iamport simulator (apps/iamport-simulator/src): `nestjs-iamport/testing`
//   cjs/              CommonJS + .d.ts (package.json {"type":"commonjs"}), same layout
//   bin/              nestjs-iamport-simulator, the simulator's command
//
// No source maps (the sources do not ship), JSDoc kept in the declarations,
// no spec or fixture files. Both builds type-check the sources, each under its
// own module resolution.
//
// Usage: node scripts/build-package.mjs [--pack [destination-dir]]
//   --pack   also runs `npm pack` into destination-dir (default dist/) and
//            prints the tarball's absolute path as the last line.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import {
  access,
  chmod,
  copyFile,
  mkdir,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = path.join(root, 'libs/iamport');
const out = path.join(root, 'dist/libs/iamport');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${[command, ...args].join(' ')} exited with ${code}\n${output}`,
          ),
        );
    });
  });
}

const compile = (config) =>
  run(process.execPath, [tsc, '-p', path.join(lib, config)]);

async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)),
    )
    .sort();
}

async function exists(file) {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every file a package.json field points to (exports, bin, main, types, typesVersions). */
function targetsOf(manifest) {
  const targets = [manifest.main, manifest.types];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  walk(manifest.typesVersions);
  return targets.filter(Boolean);
}

async function build() {
  const started = Date.now();
  await rm(out, { recursive: true, force: true });

  await Promise.all([
    compile('tsconfig.lib.json'),
    compile('tsconfig.testing.json'),
  ]);
  await Promise.all([
    compile('tsconfig.lib.cjs.json'),
    compile('tsconfig.testing.cjs.json'),
  ]);

  await writeFile(
    path.join(out, 'esm/package.json'),
    '{\n  "type": "module"\n}\n',
  );
  await writeFile(
    path.join(out, 'cjs/package.json'),
    '{\n  "type": "commonjs"\n}\n',
  );

  const manifest = JSON.parse(
    await readFile(path.join(lib, 'package.json'), 'utf8'),
  );
  await copyFile(
    path.join(lib, 'package.json'),
    path.join(out, 'package.json'),
  );
  await copyFile(path.join(lib, 'README.md'), path.join(out, 'README.md'));
  await copyFile(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));

  const bin = path.join(out, manifest.bin['nestjs-iamport-simulator']);
  await mkdir(path.dirname(bin), { recursive: true });
  await writeFile(
    bin,
    [
      '#!/usr/bin/env node',
      '// The iamport simulator: configured by IAMPORT_SIM_* variables, see the README.',
      "import '../esm/testing/main.js';",
      '',
    ].join('\n'),
  );
  await chmod(bin, 0o755);

  await check(manifest);
  return Date.now() - started;
}

/** What must hold of the package before it may be packed. */
async function check(manifest) {
  const problems = [];
  const files = await filesUnder(out);

  for (const target of targetsOf(manifest))
    if (!(await exists(path.join(out, target))))
      problems.push(`package.json points to ${target}, which was not built`);

  for (const file of files) {
    if (file.endsWith('.map'))
      problems.push(`${file}: a source map, but the sources do not ship`);
    if (/(\.|-)(spec|e2e-spec|test|fixtures?)\.[cm]?[jt]s$/.test(file))
      problems.push(`${file}: a test file`);
    if (file.endsWith('.tsbuildinfo')) problems.push(`${file}: build state`);
  }

  // Both builds declare the same API.
  const declarations = (format) =>
    files
      .filter((f) => f.startsWith(`${format}/`) && f.endsWith('.d.ts'))
      .map((f) => f.slice(format.length + 1));
  const esm = declarations('esm');
  const cjs = declarations('cjs');
  if (esm.join('\n') !== cjs.join('\n'))
    problems.push('esm/ and cjs/ declare different files');
  for (const file of esm) {
    const [a, b] = await Promise.all(
      ['esm', 'cjs'].map((f) => readFile(path.join(out, f, file), 'utf8')),
    );
    if (a !== b) problems.push(`${file}: esm and cjs declarations differ`);
  }

  // JSDoc survives into the declarations.
  for (const file of ['esm/iamport.options.d.ts', 'esm/testing/config.d.ts']) {
    const text = await readFile(path.join(out, file), 'utf8').catch(() => '');
    if (!text.includes('/**')) problems.push(`${file}: no JSDoc`);
  }

  const binText = await readFile(
    path.join(out, manifest.bin['nestjs-iamport-simulator']),
    'utf8',
  );
  if (!binText.startsWith('#!/usr/bin/env node\n'))
    problems.push('the bin file has no shebang');

  if (problems.length > 0)
    throw new Error(`the package is not ready:\n- ${problems.join('\n- ')}`);

  // Both formats load, both entries (against this repository's node_modules).
  const probe = [
    "const assert = require('node:assert');",
    `const cjs = require(${JSON.stringify(path.join(out, 'cjs/index.js'))});`,
    `const cjsTesting = require(${JSON.stringify(path.join(out, 'cjs/testing/index.js'))});`,
    "assert.equal(typeof cjs.IamportModule, 'function');",
    "assert.equal(typeof cjsTesting.startSimulator, 'function');",
    `Promise.all([import(${JSON.stringify(path.join(out, 'esm/index.js'))}), import(${JSON.stringify(path.join(out, 'esm/testing/index.js'))})]).then(([esm, esmTesting]) => {`,
    "  assert.equal(typeof esm.IamportModule, 'function');",
    "  assert.equal(typeof esmTesting.startSimulator, 'function');",
    '});',
  ].join('\n');
  await run(process.execPath, ['--input-type=commonjs', '-e', probe]);
}

async function pack(destination) {
  await mkdir(destination, { recursive: true });
  const output = await run('npm', [
    'pack',
    out,
    '--pack-destination',
    destination,
    '--json',
    '--silent',
  ]);
  const [{ filename }] = JSON.parse(output.slice(output.indexOf('[')));
  return path.join(destination, filename);
}

const args = process.argv.slice(2);
try {
  const ms = await build();
  console.log(`nestjs-iamport built in ${path.relative(root, out)} (${ms} ms)`);
  const packAt = args.indexOf('--pack');
  if (packAt !== -1) {
    const destination = path.resolve(
      args[packAt + 1] ?? path.join(root, 'dist'),
    );
    console.log(await pack(destination));
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
