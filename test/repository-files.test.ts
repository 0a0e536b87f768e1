/**
 * A contributor can follow every committed file: none names a path of the machine that wrote it or a
 * file outside the repository, and scripts/ (maintainer tools) import nothing from test/ (code both use
 * is in support/). Reads the files git tracks.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** Absolute paths of build machines and a sibling folder outside the repository (spelled in pieces, so this file does not match). */
const FORBIDDEN = [['/', 'work', '/'], ['/', 'root', '/'], ['..', '/', 'shared']].map(parts => parts.join(''));

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0').filter(f => f && fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile());
}

test('no committed file names a build machine\'s path or a folder outside the repository', () => {
  const found: string[] = [];
  for (const file of trackedFiles()) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
    for (const pattern of FORBIDDEN) if (text.includes(pattern)) found.push(`${file}: ${pattern}`);
  }
  expect(found).toEqual([]);
});

test('scripts/ import nothing from test/', () => {
  const found: string[] = [];
  for (const file of trackedFiles().filter(f => f.startsWith('scripts/') && f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
    for (const m of text.matchAll(/from '([^']+)'/g)) {
      const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1]));
      if (m[1].startsWith('.') && target.split(path.sep)[0] === 'test') found.push(`${file}: ${m[1]}`);
    }
  }
  expect(found).toEqual([]);
});
