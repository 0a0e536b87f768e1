/**
 * Recomputes the update matrix (support/update-matrix.ts) and writes its table into the docs
 * between the update-matrix markers; without `--write` it prints the table. `npx projen docs:update-matrix`.
 */
import * as path from 'path';
import { computeMatrix, DOCS_FILE, renderTable, writeTableToDocs } from '../../support/update-matrix';

const started = Date.now();
const table = renderTable(computeMatrix());
if (process.argv.includes('--write')) {
  writeTableToDocs(table);
  console.log(`update matrix written to ${path.relative(process.cwd(), DOCS_FILE)} in ${Date.now() - started} ms`);
} else {
  console.log(table);
}
