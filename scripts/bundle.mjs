// Bundles src/entrypoints.ts with ncc into <out>/stoat (index.js and the chunks its dynamic imports
// load) and writes one small entry file per face (<out>/main/index.js, ...) that calls its function.
// Usage: node scripts/bundle.mjs [--out DIR]
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const faces = { main: 'actionMain', post: 'actionPost', restore: 'actionRestore', save: 'actionSave', cli: 'cliMain' };

const outIndex = process.argv.indexOf('--out');
const out = outIndex === -1 ? 'dist' : process.argv[outIndex + 1];
rmSync(out, { recursive: true, force: true });

const build = spawnSync('npx', ['ncc', 'build', 'src/entrypoints.ts', '-o', join(out, 'stoat'), '--minify', '--no-source-map-register', '--target', 'es2022', '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`ncc failed with exit code ${build.status}`);
  process.exit(1);
}
// ncc minifies index.js but not the chunks its dynamic imports load (each face, the S3 backend), and
// compiling them is most of a start-up. The same settings as ncc's: names kept, so stacks stay readable.
for (const name of readdirSync(join(out, 'stoat')).filter((file) => /^\d+\.index\.js$/.test(file))) {
  const path = join(out, 'stoat', name);
  const result = await minify(readFileSync(path, 'utf8'), { module: true, compress: false, mangle: { keep_classnames: true, keep_fnames: true } });
  writeFileSync(path, result.code);
}
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
for (const [face, entry] of Object.entries(faces)) {
  mkdirSync(join(out, face), { recursive: true });
  const shebang = face === 'cli' ? '#!/usr/bin/env node\n' : '';
  writeFileSync(join(out, face, 'index.js'), `${shebang}// Built by scripts/bundle.mjs: do not edit.\nimport { ${entry} } from '../stoat/index.js';\nawait ${entry}();\n`);
}
chmodSync(join(out, 'cli', 'index.js'), 0o755);
console.log(`built ${join(out, 'stoat', 'index.js')} and the entries of ${Object.keys(faces).join(', ')}`);
