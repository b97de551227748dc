// Talking to the server: the session (token from the URL fragment, or a password sign-in), and
// API calls that carry the CSRF header. The token leaves the address bar before anything else runs.

let csrf = null;

async function session(response) {
  if (!response.ok) return null;
  const s = await response.json();
  csrf = s.csrf;
  return s;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Signs in with the printed URL's token if there is one, else resumes the cookie's session. */
export async function start() {
  const m = /^#token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname);
    const s = await session(await fetch('/api/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ token: m[1] }) }));
    if (s) return s;
  }
  return session(await fetch('/api/session'));
}

export async function signIn(body) {
  return session(await fetch('/api/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }));
}

function headers(extra) {
  return { 'x-inzage-csrf': csrf ?? '', ...extra };
}

async function failure(response) {
  let message = `${response.status}`;
  try {
    const body = await response.json();
    message = body.error?.message ?? message;
  } catch {
    // not JSON
  }
  return new Error(message);
}

export async function get(path, params) {
  const query = params ? `?${new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '' && v !== null))}` : '';
  const response = await fetch(`${path}${query}`, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return response.json();
}

export async function send(method, path, body) {
  const response = await fetch(path, { method, headers: headers(JSON_HEADERS), body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** Fetches a file with the session headers and hands it to the browser as a download. */
export async function download(path, name, body) {
  const response = body
    ? await fetch(path, { method: 'POST', headers: headers(JSON_HEADERS), body: JSON.stringify(body) })
    : await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
