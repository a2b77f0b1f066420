/** store.js — the persistent outbox in IndexedDB (survives reloads, crashes and a dead battery swap). */

const DB_NAME = 'packline-pda';
const STORE = 'outbox';

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDb() {
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    request.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
  };
  return promisify(request);
}

/** {add(record) → seq, remove(seq), all() → records in seq order}. Falls back to memory (and says so)
 * when IndexedDB is unavailable, so scanning still works, only without surviving a reload. */
export async function openOutboxStore() {
  let db;
  try {
    db = await openDb();
  } catch (err) {
    console.warn('IndexedDB unavailable, outbox kept in memory only', err);
    return memoryStore();
  }
  const tx = (mode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    persistent: true,
    add: (record) => promisify(tx('readwrite').add(record)),
    remove: (seq) => promisify(tx('readwrite').delete(seq)),
    all: () => promisify(tx('readonly').getAll()),
  };
}

export function memoryStore() {
  const rows = new Map();
  let next = 1;
  return {
    persistent: false,
    add: async (record) => {
      const seq = next++;
      rows.set(seq, { ...record, seq });
      return seq;
    },
    remove: async (seq) => {
      rows.delete(seq);
    },
    all: async () => [...rows.values()].sort((a, b) => a.seq - b.seq),
  };
}
