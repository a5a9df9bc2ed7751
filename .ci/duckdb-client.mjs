// Opens an ictstat database with DuckDB's Node.js client (@duckdb/node-api), a DuckDB build
// independent of ictstat's Go driver, and counts the rows of every view given: each must exist,
// work and hold rows.
//
//	node .ci/duckdb-client.mjs ictstat.duckdb observations series latest ...
import { DuckDBInstance } from '@duckdb/node-api';

const [, , path, ...views] = process.argv;
const db = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const conn = await db.connect();
const version = (await conn.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`DuckDB ${version}, Node.js client, on ${path}`);
let failed = 0;
for (const view of views) {
  try {
    const n = (await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM ${view}`)).getRows()[0][0];
    console.log(`  ${view}: ${n} rows`);
    if (n === 0) {
      console.error(`  ${view} is empty`);
      failed++;
    }
  } catch (e) {
    console.error(`  ${view}: ${e.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
