/** enrolment.js — registering this PDA to its warehouse, once. Badge login works only on a registered PDA:
 * the device token is kept in localStorage and sent with every login. Two ways, both gloves-friendly:
 * scan the enrolment code (the device token as a barcode/QR an admin printed), or a lead signs in on the
 * device with their password and registers it to their warehouse (the lead's session is closed at once). */
import { HttpError, NetworkError } from './api.js';
import { t } from './i18n.js';
import * as saved from './session.js';

/** Login answers that mean "this PDA is not (or no longer) registered": forget it and enrol again. */
export const DEVICE_ERRORS = new Set(['DEVICE_NOT_REGISTERED', 'BADGE_NEEDS_DEVICE']);
const REGISTRARS = new Set(['lead', 'admin']);

export class EnrolmentError extends Error {}

function explain(err) {
  if (err instanceof EnrolmentError) return err;
  if (err instanceof NetworkError) return new EnrolmentError(t('enrol.offline'));
  return new EnrolmentError(err?.body?.message ?? t('enrol.failed'));
}

export function createEnrolment({ api }) {
  /** A scanned (or pasted) enrolment code: the server must know it as a live device token. */
  async function withCode(code) {
    const token = code.trim();
    if (!token.startsWith('pl_')) throw new EnrolmentError(t('enrol.not_a_code'));
    let me;
    try {
      me = await api.get('/api/v1/auth/me', { token });
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) throw new EnrolmentError(t('enrol.code_refused'));
      throw explain(err);
    }
    if (me.kind !== 'device' || !me.warehouse) throw new EnrolmentError(t('enrol.code_refused'));
    return remember({ token, device_id: me.device_id, warehouse: me.warehouse });
  }

  /** A lead (or an admin of one warehouse) signs in here and registers this PDA under its local id. */
  async function byLead(username, password) {
    let lead;
    try {
      lead = await api.post('/api/v1/auth/login', { username, password }, { auth: false });
    } catch (err) {
      throw explain(err);
    }
    const auth = { auth: false, token: lead.token };
    try {
      if (!REGISTRARS.has(lead.user.role)) throw new EnrolmentError(t('enrol.not_a_lead'));
      if (!lead.user.warehouse) throw new EnrolmentError(t('enrol.needs_warehouse'));
      const body = { kind: 'device', name: saved.deviceId(), warehouse: lead.user.warehouse };
      const issued = await api.post('/api/v1/auth/tokens', body, auth);
      return remember({ token: issued.token, device_id: issued.user.device_id, warehouse: issued.user.warehouse });
    } catch (err) {
      throw explain(err);
    } finally {
      api.post('/api/v1/auth/logout', {}, auth).catch(() => {}); // the lead's session is not left on the PDA
    }
  }

  function remember(enrolment) {
    saved.saveEnrolment(enrolment);
    return enrolment;
  }

  return { withCode, byLead, forget: saved.clearEnrolment, current: saved.enrolment };
}
