/**
 * One CI: the GitHub build workflow runs what `.ci/run` runs (`npx projen ci`). Every task `ci` spawns
 * must be run, as `npx projen <task>`, by a job of .github/workflows/build.yml (both files are generated
 * from projenrc/: a task added to `ci` without a job in projenrc/ci.ts fails here).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..');

interface Task { steps?: Array<{ spawn?: string; exec?: string }> }
const tasks: Record<string, Task> = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;
const workflow = parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'build.yml'), 'utf-8'));

/** The tasks `npx projen ci` spawns. */
function ciTasks(): string[] {
  return (tasks.ci.steps ?? []).map(s => s.spawn).filter((s): s is string => s !== undefined);
}

/** Per job, the projen tasks its steps run (`npx projen <task>` alone on a line of a `run:`). */
function tasksByJob(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, job] of Object.entries<any>(workflow.jobs)) {
    out[id] = (job.steps ?? []).flatMap((step: { run?: string }) => (step.run ?? '').split('\n'))
      .map((line: string) => /^npx projen ([\w:-]+)$/.exec(line.trim())?.[1])
      .filter((t: string | undefined): t is string => t !== undefined);
  }
  return out;
}

test('ci spawns the build and the test tasks (the list this file guards is not empty)', () => {
  expect(ciTasks()).toEqual(expect.arrayContaining(['build', 'test:processor', 'test:install', 'integ']));
});

test.each(ciTasks())('the build workflow runs %s, a task npx projen ci spawns', (task) => {
  const jobs = Object.entries(tasksByJob()).filter(([, run]) => run.includes(task)).map(([id]) => id);
  expect(jobs).not.toEqual([]);
});

test('every projen task a build workflow job runs exists', () => {
  const unknown = Object.values(tasksByJob()).flat().filter(t => tasks[t] === undefined);
  expect(unknown).toEqual([]);
});
