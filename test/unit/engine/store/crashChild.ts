/**
 * A child process for the SIGKILL tests: plays a sink that recovers and commits checkpoints
 * last+1..total, one line/row each, into a file and two tables (state DB and another DB), as
 * the runtime would after a restart. Killed at random moments by the test.
 *
 *   node --import tsx crashChild.ts <db> <file> <otherDb> <total>
 */
import { FileCommitter } from '../../../../engine/store/FileCommitter.js';
import { SqliteTableCommitter } from '../../../../engine/store/SqliteTableCommitter.js';
import { StateStore } from '../../../../engine/store/StateStore.js';

const [dbPath, filePath, otherDb, totalText] = process.argv.slice(2) as [string, string, string, string];
const total = Number(totalText);
const store = StateStore.open(dbPath);
const file = new FileCommitter(store, 'file-sink', filePath);
const inState = new SqliteTableCommitter({ store, operatorId: 'table-sink', table: 'out', mode: 'append' });
const inOther = new SqliteTableCommitter({
  store,
  operatorId: 'table-sink',
  path: otherDb,
  table: 'out',
  mode: 'append',
});
// The runtime replays from the oldest commit any sink is missing; each sink skips what it has.
const from =
  Math.min(file.lastCommittedCheckpoint, inState.lastCommittedCheckpoint, inOther.lastCommittedCheckpoint) + 1;
process.stdout.write('ready\n');
for (let cp = from; cp <= total; cp++) {
  const value = JSON.stringify({ cp });
  file.commit(cp, [value]);
  inState.commit(cp, [{ key: `k${cp % 7}`, time: cp, value }]);
  inOther.commit(cp, [{ key: `k${cp % 7}`, time: cp, value }]);
}
store.close();
process.stdout.write('done\n');
