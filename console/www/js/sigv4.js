// AWS Signature Version 4 in the browser (WebCrypto), for the console's API calls.
const enc = new TextEncoder();
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

async function hmac(key, text) {
  const raw = typeof key === 'string' ? enc.encode(key) : key;
  const k = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(text));
}

// Returns `headers` plus X-Amz-Date and Authorization for a request to `url` (same origin).
export async function signRequest({ method, url, headers, body, accessKey, secretKey, region, service, now = new Date() }) {
  if (!globalThis.crypto || !crypto.subtle) {
    throw Object.assign(new Error('Signing needs WebCrypto: open the console over https or on 127.0.0.1/localhost.'), { type: 'ConsoleError' });
  }
  const u = new URL(url, location.href);
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const all = { ...headers, host: u.host, 'x-amz-date': amzDate };
  const canon = {};
  for (const [k, v] of Object.entries(all)) canon[k.toLowerCase()] = String(v).trim().replace(/\s+/g, ' ');
  const names = Object.keys(canon).sort();
  const signed = names.join(';');
  const query = [...u.searchParams].map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1)).map((p) => p.join('=')).join('&');
  const request = [method, u.pathname || '/', query, names.map((n) => `${n}:${canon[n]}\n`).join(''), signed, await sha256Hex(body)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256Hex(request)].join('\n');
  let key = await hmac('AWS4' + secretKey, day);
  key = await hmac(key, region);
  key = await hmac(key, service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, toSign));
  return {
    ...headers,
    'X-Amz-Date': amzDate,
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
  };
}
