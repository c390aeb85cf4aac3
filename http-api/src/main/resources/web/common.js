// Shared by the wallboard and the agent page: the token, calls to the engine's API, the live
// event stream, and formatting. Plain ES module, no dependencies.

/**
 * The event types of GET /api/v1/events: the engine's public events, the feed's periodic
 * queue-stats, and closed (the server ended the feed, with a reason).
 */
export const EVENT_TYPES = [
  'call-incoming', 'call-queued', 'call-offered', 'call-established', 'call-state-changed', 'call-ended', 'call-monitored',
  'call-held', 'call-resumed',
  'media-quality', 'media-flow', 'dtmf', 'agent-status-changed', 'warning', 'queue-stats', 'closed',
  'recording-started', 'recording-paused', 'recording-resumed', 'recording-stopped',
  'call-transferred', 'transfer-failed', 'call-consulted',
  'callback-offered', 'callback-requested', 'callback-attempted', 'callback-completed', 'callback-failed',
];

export const BREAK_REASONS = ['lunch', 'coffee', 'training', 'meeting', 'personal', 'after-call-work'];

/** A bearer token kept in localStorage ("remember on this screen") or sessionStorage. */
export class TokenStore {
  constructor(key) {
    this.key = key;
  }

  get() {
    return sessionStorage.getItem(this.key) || localStorage.getItem(this.key) || '';
  }

  set(token, remember) {
    this.clear();
    (remember ? localStorage : sessionStorage).setItem(this.key, token);
  }

  clear() {
    sessionStorage.removeItem(this.key);
    localStorage.removeItem(this.key);
  }

  /** A token handed over in the address as #token=... (for kiosk screens): stored, then removed from the address. */
  adoptFromFragment() {
    const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (!match) return false;
    this.set(decodeURIComponent(match[1]), true);
    history.replaceState(null, '', location.pathname + location.search);
    return true;
  }
}

/**
 * A page's sign-in: the form (#signin, #signin-form, #signin-token, #signin-remember,
 * #signin-error), the #signout button, and opening with the saved token at load, retried every
 * 5 s while the engine cannot be reached. The page gives `check(token)`, which resolves to who
 * the token is or rejects with an ApiError (a 403 carries the message to show), `open(token, me)`,
 * `close()`, which stops what the page runs, and `later(fn, ms)`, the page's timer.
 */
export class SignIn {
  constructor(tokens, pageId, { check, open, close, later }) {
    Object.assign(this, { tokens, pageId, check, open, close, later });
    this.opened = false;
  }

  /** Once per page load. */
  start() {
    this.tokens.adoptFromFragment();
    byId('signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = byId('signin-token').value.trim();
      if (!token) return;
      byId('signin-error').textContent = '';
      try {
        await this.enter(token, byId('signin-remember').checked);
      } catch (e) {
        byId('signin-error').textContent = e.status === 401 ? 'That token is unknown or revoked.' : e.message;
      }
    });
    byId('signout').addEventListener('click', () => this.signOut(''));
    this.resume();
  }

  signOut(message) {
    this.tokens.clear();
    this.show(message);
  }

  show(message) {
    this.close();
    this.opened = false;
    byId(this.pageId).hidden = true;
    byId('signin').hidden = false;
    byId('signin-error').textContent = message || '';
    byId('signin-token').value = '';
    byId('signin-token').focus();
  }

  async enter(token, remember) {
    const me = await this.check(token);
    this.tokens.set(token, remember);
    this.close();
    this.opened = true;
    byId('signin').hidden = true;
    byId(this.pageId).hidden = false;
    this.open(token, me);
  }

  async resume() {
    if (this.opened) return;
    const saved = this.tokens.get();
    if (!saved) {
      this.show('');
      return;
    }
    try {
      await this.enter(saved, !!localStorage.getItem(this.tokens.key));
    } catch (e) {
      if (e.status === 401 || e.status === 403) this.signOut(e.status === 401 ? 'The saved token no longer works.' : e.message);
      else {
        this.show(`Cannot reach the engine (${e.message}); trying again.`);
        this.later(() => this.resume(), 5000);
      }
    }
  }
}

const byId = (id) => document.getElementById(id);

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

/** Calls the API with the bearer token; resolves to the parsed JSON (or null), rejects with an ApiError. */
export async function api(token, path, { method = 'GET', body } = {}) {
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'the engine does not answer');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = null; }
  }
  if (!response.ok) throw new ApiError(response.status, json && json.detail ? json.detail : `HTTP ${response.status}`);
  return json;
}

/**
 * The live event stream: an EventSource on /api/v1/events with the token as ?token=, reopened
 * with a growing delay when it closes. onEvent gets each event's parsed data; onState gets
 * 'live', 'connecting' or 'down'; onOpen runs on each (re)connection, so the page can reload the
 * state it may have missed.
 */
export class LiveEvents {
  constructor(token, { onEvent, onState, onOpen, query = '' }) {
    this.token = token;
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.onOpen = onOpen || (() => {});
    this.query = query;
    this.source = null;
    this.retryMs = 1000;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    if (typeof EventSource === 'undefined') {
      this.onState('down');
      return this;
    }
    this.connect();
    return this;
  }

  connect() {
    if (this.stopped) return;
    this.onState('connecting');
    const url = `/api/v1/events?token=${encodeURIComponent(this.token)}${this.query ? `&${this.query}` : ''}`;
    const source = new EventSource(url);
    this.source = source;
    const handle = (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (!data || typeof data !== 'object') return;
      if (!data.type && message.type && message.type !== 'message') data.type = message.type;
      if (data.type === 'closed') {
        // The server ended this feed (a client too slow, a shutdown): open a new one.
        source.close();
        this.onState('connecting');
        this.schedule();
        return;
      }
      this.onEvent(data);
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, handle);
    source.onmessage = handle;
    source.onopen = () => {
      this.retryMs = 1000;
      this.onState('live');
      this.onOpen();
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (401, 404, ...) or gone for good: reopen later ourselves.
        this.onState('down');
        source.close();
        this.schedule();
      } else {
        this.onState('connecting');
      }
    };
  }

  schedule() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30000);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
  }
}

/** Creates an element: h('div', {class: 'x', dataset: {id: 1}}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
  }
  appendAll(el, children);
  return el;
}

function appendAll(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) appendAll(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  appendAll(el, children);
}

export function ms(instant) {
  if (!instant) return NaN;
  const t = Date.parse(instant);
  return Number.isNaN(t) ? NaN : t;
}

/** 0:07, 12:34, 1:02:03. */
export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** Seconds since an instant (ISO string or epoch ms), at least 0. */
export function since(instant, now = Date.now()) {
  const t = typeof instant === 'number' ? instant : ms(instant);
  return Number.isNaN(t) ? NaN : Math.max(0, (now - t) / 1000);
}

export function clock(instant) {
  const t = typeof instant === 'number' ? instant : ms(instant);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** The caller as a person reads it: the user part of a SIP URI ("sip:+3312345@host" -> "+3312345"). */
export function callerName(uri) {
  if (!uri) return 'unknown caller';
  const display = /^\s*"([^"]+)"/.exec(uri);
  if (display) return display[1];
  const match = /^(?:<)?sips?:([^@;>]+)@/i.exec(uri.trim());
  return match ? decodeURIComponent(match[1]) : uri.replace(/^sips?:/i, '');
}

/** Midnight of the current local day, as an ISO instant. */
export function todayStart() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** MOS as good / fair / poor (E-model bands: 4.0 and up is toll quality; under 3.1 the engine warns). */
export function mosClass(mos) {
  if (!Number.isFinite(mos)) return '';
  if (mos >= 4.0) return 'good';
  if (mos >= 3.1) return 'fair';
  return 'poor';
}

export function titleCase(text) {
  if (!text) return '';
  return text.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
