/**
 * outbox.js — every pack action (scan, complete, undo, abandon, gift override) goes through this one
 * ordered queue: written to IndexedDB when it is read, sent one at a time in order, removed only when
 * the server answered. A network failure leaves it at the head and retries it, with the same
 * client_scan_id, when the network returns — the server dedupes, so nothing is lost or doubled.
 */
import { AuthExpired, HttpError, NetworkError } from './api.js';

const RETRY_MS = [400, 1000, 2000, 4000];
const MAX_SERVER_ERRORS = 3; // a 500 on one record must not block the queue forever

export class Outbox {
  constructor({ store, send, bus, retryMs = RETRY_MS }) {
    this.store = store;
    this.send = send;
    this.bus = bus;
    this.retryMs = retryMs;
    this.items = []; // {record, seq, persisted: Promise}
    this.offline = false;
    this.paused = false;
    this.running = false;
    this.inFlight = null;
    this._attempt = 0;
    this._serverErrors = 0;
    this._retryTimer = null;
    globalThis.addEventListener?.('online', () => this.retryNow());
    globalThis.addEventListener?.('offline', () => this._setOffline(true));
  }

  async load() {
    const rows = await this.store.all();
    this.items = rows.map((record) => ({ record, seq: record.seq, persisted: Promise.resolve(record.seq) }));
    if (globalThis.navigator?.onLine === false) this.offline = true;
    this._changed();
  }

  get count() {
    return this.items.length;
  }

  /** Queue a record {kind, body, read_at, user}; the caller has already given it its client_scan_id. */
  add(record) {
    const item = { record, seq: null, persisted: null };
    item.persisted = this.store.add(record).then(
      (seq) => {
        item.seq = seq;
        return seq;
      },
      (err) => {
        console.error('outbox write failed; record kept in memory', err);
        return null;
      },
    );
    this.items.push(item);
    this._changed();
    this.kick();
    return item;
  }

  records() {
    return this.items.map((i) => i.record);
  }

  pause() {
    this.paused = true;
  }

  resume() {
    this.paused = false;
    this.retryNow();
  }

  retryNow() {
    this._attempt = 0;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this.kick();
  }

  kick() {
    if (this.running || this.paused || !this.items.length) return;
    if (globalThis.navigator?.onLine === false) {
      this._setOffline(true);
      return;
    }
    this.running = true;
    this._drain().finally(() => {
      this.running = false;
      this.inFlight = null;
    });
  }

  async _drain() {
    while (this.items.length && !this.paused) {
      const head = this.items[0];
      await head.persisted;
      this.inFlight = head.record;
      let answer;
      try {
        answer = await this.send(head.record);
      } catch (err) {
        if (!this._handleError(head, err)) return;
        continue;
      }
      this._serverErrors = 0;
      this._attempt = 0;
      this._setOffline(false);
      await this._remove(head);
      this.bus.emit('pack:answer', { answer, entry: head.record });
    }
  }

  /** true: go on with the next record; false: stop draining for now. */
  _handleError(head, err) {
    if (err instanceof AuthExpired) {
      this.paused = true;
      this.bus.emit('auth:expired', { error: err });
      return false;
    }
    const serverError = err instanceof HttpError && err.status >= 500 && !err.transient;
    if (serverError) this._serverErrors += 1;
    if (err instanceof NetworkError || (err instanceof HttpError && err.transient) || (serverError && this._serverErrors < MAX_SERVER_ERRORS)) {
      this._setOffline(err instanceof NetworkError || err.transient);
      this._scheduleRetry();
      return false;
    }
    this._serverErrors = 0;
    this._remove(head);
    this.bus.emit('outbox:failed', { entry: head.record, error: err });
    return true;
  }

  async _remove(item) {
    const index = this.items.indexOf(item);
    if (index >= 0) this.items.splice(index, 1);
    this._changed();
    const seq = await item.persisted;
    if (seq !== null && seq !== undefined) await this.store.remove(seq).catch((e) => console.error(e));
  }

  _scheduleRetry() {
    clearTimeout(this._retryTimer);
    const delay = this.retryMs[Math.min(this._attempt, this.retryMs.length - 1)];
    this._attempt += 1;
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      this.kick();
    }, delay);
  }

  _setOffline(value) {
    if (this.offline === value) return;
    this.offline = value;
    this._changed();
  }

  _changed() {
    this.bus.emit('outbox:changed', { count: this.items.length, offline: this.offline, entries: this.records() });
  }
}
