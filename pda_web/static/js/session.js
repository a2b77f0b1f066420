/** session.js — what the PDA remembers in localStorage: its registration (device token), the login, the
 * device id, the chosen and the last station, and the last pack answer per station (shown again after an
 * offline reload). */
import { newId } from './util.js';

const KEYS = {
  session: 'packline.pda.session',
  device: 'packline.pda.device',
  enrolment: 'packline.pda.enrolment',
  station: 'packline.pda.station',
  lastStation: 'packline.pda.lastStation',
  stations: 'packline.pda.stations',
  answer: 'packline.pda.answer.',
};

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

function write(key, value) {
  if (value === null || value === undefined) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(value));
}

/** {token, device_id, warehouse} once this PDA is registered to a warehouse; null before. */
export const enrolment = () => (read(KEYS.enrolment)?.token ? read(KEYS.enrolment) : null);
export const saveEnrolment = (e) => write(KEYS.enrolment, e);
export const clearEnrolment = () => write(KEYS.enrolment, null);
export const deviceToken = () => enrolment()?.token ?? null;

/** The registered name of this PDA, or (before registration) a random local one it is registered under. */
export function deviceId() {
  const registered = enrolment()?.device_id;
  if (registered) return registered;
  let id = localStorage.getItem(KEYS.device);
  if (!id) {
    id = `PDA-${newId().slice(0, 8).toUpperCase()}`;
    localStorage.setItem(KEYS.device, id);
  }
  return id;
}

/** The saved login, or null when there is none or it has expired. */
export function loadSession() {
  const s = read(KEYS.session);
  if (!s?.token) return null;
  if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) return null;
  return s;
}

export const saveSession = (s) => write(KEYS.session, s);
export const clearSession = () => {
  write(KEYS.session, null);
  write(KEYS.station, null);
};
export const loadStation = () => read(KEYS.station);
export function saveStation(station) {
  write(KEYS.station, station);
  if (station) write(KEYS.lastStation, station.code);
}
export const lastStationCode = () => read(KEYS.lastStation);
export const loadStations = () => read(KEYS.stations) ?? [];
export const saveStations = (list) => write(KEYS.stations, list);

export function saveAnswer(station, answer) {
  write(KEYS.answer + station, { answer, received_at: Date.now() });
}

export function loadAnswer(station) {
  return read(KEYS.answer + station);
}
