// The console's only way to the server: the public AWS APIs, as an SDK calls them.
import { signRequest } from './sigv4.js';

const KEY = 'cwlogd.credentials';
const AUTH_TYPES = new Set(['MissingAuthenticationTokenException', 'UnrecognizedClientException',
  'InvalidSignatureException', 'IncompleteSignatureException', 'SignatureDoesNotMatch',
  'InvalidClientTokenId', 'MissingAuthenticationToken', 'AccessDeniedException']);

// Keys live in sessionStorage only (gone when the tab closes).
export function credentials() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; }
}
export function setCredentials(c) {
  if (c) sessionStorage.setItem(KEY, JSON.stringify(c)); else sessionStorage.removeItem(KEY);
}

// An error the API answered: `type` is its __type verbatim, `message` its message.
export class ApiError extends Error {
  constructor(type, message, status) {
    super(message);
    this.type = type;
    this.status = status;
  }
  get shortType() { return String(this.type).split('#').pop(); }
  get isAuth() { return AUTH_TYPES.has(this.shortType); }
}

let onAuthError = () => {};
export function setAuthErrorHandler(fn) { onAuthError = fn; }

async function call(service, target, contentType, params) {
  const body = JSON.stringify(params || {});
  let headers = { 'Content-Type': contentType, 'X-Amz-Target': target };
  const c = credentials();
  if (c) {
    headers = await signRequest({ method: 'POST', url: '/', headers, body, accessKey: c.accessKey,
      secretKey: c.secretKey, region: c.region || 'us-east-1', service });
  }
  let res;
  try {
    res = await fetch('/', { method: 'POST', headers, body });
  } catch (e) {
    throw new ApiError('NetworkError', `The server did not answer: ${e.message}`, 0);
  }
  const text = await res.text();
  let data;
  try { data = text ? JSON.parse(text) : {}; } catch { data = null; }
  if (!res.ok) {
    const err = data && (data.__type || data.code)
      ? new ApiError(data.__type || data.code, data.message ?? data.Message ?? '', res.status)
      : new ApiError(`HTTP ${res.status}`, text.slice(0, 400), res.status);
    if (err.isAuth) onAuthError(err);
    throw err;
  }
  return data || {};
}

export const logs = (op, params) => call('logs', `Logs_20140328.${op}`, 'application/x-amz-json-1.1', params);
export const cw = (op, params) => call('monitoring', `GraniteServiceVersion20100801.${op}`, 'application/x-amz-json-1.0', params);

// Follows nextToken (or NextToken) up to `maxPages`; returns the items of `key` and the last token.
export async function pages(fn, op, params, key, maxPages = 1) {
  let items = [];
  let token;
  for (let i = 0; i < maxPages; i++) {
    const out = await fn(op, token ? { ...params, nextToken: token } : params);
    items = items.concat(out[key] || []);
    token = out.nextToken;
    if (!token) break;
  }
  return { items, nextToken: token };
}
