/** api.js — fetch wrapper for /api/v1: bearer token, Accept-Language, timeout, and errors the outbox
 * can tell apart (network → keep and retry; 401 → log in again; other HTTP errors → report). */

export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NetworkError';
  }
}

export class AuthExpired extends Error {
  constructor(body) {
    super(body?.message ?? 'unauthorized');
    this.name = 'AuthExpired';
    this.body = body;
  }
}

export class HttpError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body ?? {};
  }

  /** Worth retrying with the same client_scan_id: the server or a proxy is down, not the request wrong. */
  get transient() {
    return [502, 503, 504].includes(this.status);
  }
}

export function createApi({ getToken, getLocale, timeoutMs = 15000 }) {
  /** `auth: false` sends no session token (login); `token` sends that one instead (enrolment); `deviceToken`
   * goes in X-Packline-Device-Token (a login from this registered PDA). */
  async function request(method, path, body = undefined, { auth = true, token: given = null, deviceToken = null } = {}) {
    if (navigator.onLine === false) throw new NetworkError('offline');
    const headers = { Accept: 'application/json', 'Accept-Language': getLocale() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = given ?? (auth ? getToken() : null);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (deviceToken) headers['X-Packline-Device-Token'] = deviceToken;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    let res;
    let data = null;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      const text = await res.text();
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = null;
        }
      }
    } catch (err) {
      // fetch rejects only when no HTTP answer arrived (offline, reset, timeout): the request may or may
      // not have reached the server, which is why every scan is retried with the same client_scan_id.
      throw new NetworkError(err?.message ?? 'network');
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 401 && auth && !given) throw new AuthExpired(data);
    if (!res.ok) throw new HttpError(res.status, data);
    return data;
  }

  return {
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body ?? {}, options),
  };
}
