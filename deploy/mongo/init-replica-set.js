// Run by the mongo-init service of docker-compose.yml with mongosh: initiates
// the replica set rs0 of mongo1..3 the first time, does nothing the next, and
// exits 0 once a primary is elected (Duban starts only then).
/* global rs, print, quit, sleep */
const members = [
  { _id: 0, host: 'mongo1:27017', priority: 2 },
  { _id: 1, host: 'mongo2:27017', priority: 1 },
  { _id: 2, host: 'mongo3:27017', priority: 1 },
];

try {
  rs.status();
  print('replica set rs0 is already initiated');
} catch (err) {
  if (err.codeName !== 'NotYetInitialized') throw err;
  rs.initiate({ _id: 'rs0', members });
  print('replica set rs0 initiated');
}

for (let i = 0; i < 120; i++) {
  const primary = (rs.status().members || []).find((m) => m.stateStr === 'PRIMARY');
  if (primary) {
    print(`primary: ${primary.name}`);
    quit(0);
  }
  sleep(1000);
}
print('no primary elected within 120 s');
quit(1);
