// The supervisor wallboard: queues, agents, active calls and warnings, live from the event
// stream (GET /api/v1/events), with the API polled as a fallback and to stay in step.
import {
  ApiError, LiveEvents, SignIn, TokenStore, api, callerName, clock, duration, fill, h, mosClass, ms, since, titleCase, todayStart,
} from './common.js';

const tokens = new TokenStore('callengine.wallboard.token');

/** Seconds a waiting call may wait before its queue turns amber, then red. */
const WAIT_AMBER = 30;
const WAIT_RED = 90;
/** Calls waiting in one queue before it turns amber, then red. */
const QUEUE_AMBER = 1;
const QUEUE_RED = 4;
/** When the queue's own serviceLevelSeconds cannot be read (a token that may not read the queue configuration). */
const DEFAULT_SERVICE_LEVEL_SECONDS = 20;
/** How long an ended call stays on the board, faded, with its outcome. */
const ENDED_VISIBLE_MS = 8000;
const MAX_WARNINGS = 6;

const state = {
  token: '',
  role: '',
  live: 'connecting',
  stats: null,
  queueStats: new Map(),
  queueConfig: new Map(),
  queueConfigReadable: true,
  agents: new Map(),
  calls: new Map(),
  ended: new Map(),
  skew: 0,
  skewSamples: [],
  records: new Map(),
  metrics: null,
  warnings: [],
  events: null,
  timers: new Set(),
  refreshing: { live: false, records: false },
  lastRecordsAt: 0,
  recordsTimer: null,
  renderQueued: false,
};

const $ = (id) => document.getElementById(id);
const signIn = new SignIn(tokens, 'board', { check, open, close: stop, later });

// ---------------------------------------------------------------- sign-in

/** Any token but an agent's opens the board. */
async function check(token) {
  const me = await api(token, '/api/v1/me');
  if (me.role === 'agent') throw new ApiError(403, 'This is an agent token: agents use the agent page at /agent.');
  return me;
}

function open(token, me) {
  state.token = token;
  state.role = me.role;
  refreshAll().finally(() => { document.body.dataset.ready = '1'; });
  state.events = new LiveEvents(token, {
    onEvent,
    onState: (s) => { state.live = s; renderConnection(); },
    onOpen: () => refreshAll(),
  }).start();
  schedulePolling();
  const ticker = setInterval(render, 1000);
  state.timers.add(ticker);
}

function stop() {
  if (state.events) state.events.stop();
  state.events = null;
  state.token = '';
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  state.recordsTimer = null;
  delete document.body.dataset.ready;
}

/** setTimeout that stop() cancels. */
function later(fn, delayMs) {
  const timer = setTimeout(() => { state.timers.delete(timer); fn(); }, delayMs);
  state.timers.add(timer);
  return timer;
}

// ---------------------------------------------------------------- polling

/** Live counts every 5 s while the stream is up (2 s without), today's records every 15 s (3 s without). */
function schedulePolling() {
  const token = state.token;
  const loop = (fn, liveMs, downMs) => {
    const tick = async () => {
      if (state.token !== token) return;
      await fn();
      if (state.token === token) later(tick, state.live === 'live' ? liveMs : downMs);
    };
    later(tick, state.live === 'live' ? liveMs : downMs);
  };
  loop(refreshLive, 5000, 2000);
  loop(refreshRecords, 15000, 3000);
  loop(refreshQueueConfig, 60000, 60000);
}

async function guarded(fn) {
  try {
    await fn();
  } catch (e) {
    if (e.status === 401) signIn.signOut('The token was revoked.');
    else if (e.status === 403) signIn.signOut('This token may not read the wallboard.');
  }
}

function refreshAll() {
  return Promise.all([refreshLive(), refreshRecords(), refreshQueueConfig()]);
}

async function refreshLive() {
  if (state.refreshing.live) return;
  state.refreshing.live = true;
  await guarded(async () => {
    const [stats, queues, agents] = await Promise.all([
      api(state.token, '/api/v1/supervisor/stats'),
      api(state.token, '/api/v1/queues/stats'),
      api(state.token, '/api/v1/supervisor/agents'),
    ]);
    state.stats = { ...stats, fetchedAt: engineNow() };
    state.queueStats = new Map((queues || []).map((q) => [q.queueId, { ...q, fetchedAt: engineNow() }]));
    const known = state.agents;
    state.agents = new Map();
    for (const agent of agents || []) {
      const before = known.get(agent.id);
      const next = { ...agent };
      next.stateSince = before && agentState(before) === agentState(next) ? before.stateSince : (before ? engineNow() : null);
      state.agents.set(agent.id, next);
    }
    // The Router counts more calls than the board shows: some were missed, read the records again.
    const tracked = [...state.calls.values()].filter((c) => c.status !== 'ENDED').length;
    if (stats && stats.activeCalls !== tracked) scheduleRecords(0, 10000);
  });
  state.refreshing.live = false;
  render();
}

async function refreshRecords() {
  if (state.refreshing.records) return;
  state.refreshing.records = true;
  state.lastRecordsAt = Date.now();
  await guarded(async () => {
    const start = todayStart();
    const from = encodeURIComponent(start);
    const to = encodeURIComponent(new Date(Date.parse(start) + 24 * 3600 * 1000).toISOString());
    state.metrics = await api(state.token, `/api/v1/supervisor/metrics?from=${from}&to=${to}`);
    const records = await api(state.token, `/api/v1/supervisor/calls?from=${from}&limit=1000`);
    const fetched = new Map((records || []).map((r) => [r.callId, r]));
    // Calls that ended since the records were written keep counting until their record shows up.
    for (const [id, r] of state.records) if (r.fromEvent && !fetched.has(id) && Date.now() - r.fromEvent < 60000) fetched.set(id, r);
    state.records = fetched;
    for (const record of records || []) {
      const call = state.calls.get(record.callId);
      if (record.disposition) {
        if (call && call.status !== 'ENDED') endCall(call, record.disposition, ms(record.endedAt) || engineNow());
        continue;
      }
      if (!state.ended.has(record.callId)) mergeRecord(record);
    }
    // A tracked call that the records say nothing about is newer than them; one they list as
    // ended is handled above. Calls older than today's records are kept as they are.
  });
  state.refreshing.records = false;
  render();
}

/** Reads the records again soon: after delayMs, and at least minGapMs after the last reading. */
function scheduleRecords(delayMs, minGapMs = 3000) {
  if (state.recordsTimer) return;
  const wait = Math.max(delayMs, minGapMs - (Date.now() - state.lastRecordsAt));
  state.recordsTimer = later(() => { state.recordsTimer = null; refreshRecords(); }, wait);
}

/** Queue names and service-level thresholds, for the tokens allowed to read them; the defaults otherwise. */
async function refreshQueueConfig() {
  if (!state.queueConfigReadable) return;
  try {
    const queues = await api(state.token, '/api/v1/admin/queues');
    state.queueConfig = new Map((queues || []).map((q) => [q.id, q]));
  } catch (e) {
    if (e.status === 403) state.queueConfigReadable = false;
  }
  render();
}

// ---------------------------------------------------------------- calls

function callFor(callId) {
  let call = state.calls.get(callId);
  if (!call) {
    call = {
      callId, caller: null, dialed: null, queueId: null, agentId: null, status: 'INCOMING',
      enqueuedAt: NaN, answeredAt: NaN, endedAt: NaN, offeredTo: [], disposition: null,
      mos: {}, flowing: {}, steps: [], warning: null, keys: '', recording: null,
      // A caller who asked to be called back: {number, attempts}; null for any other call.
      callback: null,
    };
    state.calls.set(callId, call);
  }
  return call;
}

/** A step of the call's timeline; agents are named when it is drawn, once the agent list is there. */
function step(call, kind, label, at, agentIds = []) {
  call.steps.push({ kind, label, at, agentIds: agentIds.filter(Boolean) });
  if (call.steps.length > 12) call.steps.splice(1, call.steps.length - 12);
}

function mergeRecord(record) {
  const call = callFor(record.callId);
  call.caller = call.caller || record.caller;
  call.dialed = call.dialed || record.dialed;
  call.queueId = record.queueId || call.queueId;
  call.agentId = record.agentId || call.agentId;
  // The records lag the events by about a second: a call the events follow keeps their status.
  if (record.status && !call.live) call.status = record.status;
  if (!call.live && typeof record.onHold === 'boolean') call.onHold = record.onHold;
  const enqueued = ms(record.enqueuedAt);
  const answered = ms(record.answeredAt);
  if (Number.isNaN(call.enqueuedAt) && !Number.isNaN(enqueued)) call.enqueuedAt = enqueued;
  if (Number.isNaN(call.answeredAt) && !Number.isNaN(answered)) call.answeredAt = answered;
  if (!call.steps.length && !Number.isNaN(enqueued)) step(call, 'queued', `Queued${record.queueId ? ` · ${record.queueId}` : ''}`, enqueued);
  if (!Number.isNaN(answered) && !call.steps.some((s) => s.kind === 'talk')) {
    step(call, 'talk', 'Answered', answered, [record.agentId]);
  }
  if (Number.isFinite(record.mos) && !Number.isFinite(call.mos.customer)) call.mos.customer = record.mos;
  if (record.recorded && !call.recording) call.recording = 'on';
  if (record.callbackNumber && !call.callback) call.callback = { number: record.callbackNumber, attempts: record.callbackAttempts || 0 };
}

function addWarning(event, at) {
  state.warnings.unshift({ ...event, atMs: at });
  state.warnings.length = Math.min(state.warnings.length, 30);
}

function endCall(call, disposition, at) {
  state.ended.set(call.callId, Date.now());
  if (state.ended.size > 2000) {
    for (const [id, t] of state.ended) if (Date.now() - t > 600000) state.ended.delete(id);
  }
  call.status = 'ENDED';
  call.disposition = disposition;
  call.endedAt = at;
  step(call, 'end', titleCase((disposition || 'ended').toLowerCase()), at);
  later(() => {
    if (state.calls.get(call.callId) === call && call.status === 'ENDED') state.calls.delete(call.callId);
    render();
  }, ENDED_VISIBLE_MS);
}

// ---------------------------------------------------------------- events

function onEvent(event) {
  const at = ms(event.at) || engineNow();
  learnSkew(at);
  if (event.callId) {
    // Late events of a call that has ended (media samples, the ENDED state change) start no new row.
    if (state.ended.has(event.callId) && event.type !== 'call-ended') {
      if (event.type === 'warning') addWarning(event, at);
      queueRender();
      return;
    }
    // Media and key events alone do not start a row: the call's own events or its record do.
    if (['media-quality', 'media-flow', 'dtmf', 'warning'].includes(event.type) && !state.calls.has(event.callId)) {
      if (event.type === 'warning') addWarning(event, at);
      scheduleRecords(1000);
      queueRender();
      return;
    }
    callFor(event.callId).live = true;
  }
  switch (event.type) {
    case 'call-incoming': {
      const call = callFor(event.callId);
      call.caller = event.caller || call.caller;
      call.dialed = event.dialed || call.dialed;
      if (event.queueId) call.queueId = event.queueId;
      if (Number.isNaN(call.enqueuedAt)) call.enqueuedAt = at;
      if (!call.steps.some((s) => s.kind === 'in')) call.steps.unshift({ kind: 'in', label: 'Incoming', at });
      break;
    }
    case 'call-queued': {
      const call = callFor(event.callId);
      const moved = call.queueId && event.queueId && call.queueId !== event.queueId && call.steps.some((s) => s.kind === 'queued');
      call.queueId = event.queueId || call.queueId;
      if (call.status !== 'CONNECTED') call.status = 'QUEUED';
      if (Number.isNaN(call.enqueuedAt)) call.enqueuedAt = at;
      step(call, 'queued', moved ? `Moved · ${event.queueId}` : `Queued · ${event.queueId}`, at);
      if (!call.caller) scheduleRecords(1200);
      break;
    }
    case 'call-offered': {
      const call = callFor(event.callId);
      call.status = 'OFFERING';
      call.queueId = event.queueId || call.queueId;
      call.offeredTo = event.agentIds || (event.agentId ? [event.agentId] : []);
      step(call, 'ring', 'Ringing', at, call.offeredTo);
      break;
    }
    case 'call-established': {
      const call = callFor(event.callId);
      call.status = 'CONNECTED';
      call.agentId = event.agentId || call.agentId;
      call.queueId = event.queueId || call.queueId;
      call.answeredAt = at;
      call.offeredTo = [];
      if (Number.isNaN(call.enqueuedAt) && Number.isFinite(event.waitSeconds)) call.enqueuedAt = at - event.waitSeconds * 1000;
      step(call, 'talk', 'Answered', at, [call.agentId]);
      break;
    }
    case 'call-held':
    case 'call-resumed': {
      const call = callFor(event.callId);
      call.onHold = event.type === 'call-held';
      // A hold shows as waiting time on the call's bar, the resume as talk again.
      step(call, call.onHold ? 'queued' : 'talk', call.onHold ? 'On hold' : 'Resumed', at, [event.agentId]);
      break;
    }
    case 'call-state-changed': {
      const call = callFor(event.callId);
      if (event.to === 'ENDED') break;
      if (event.from === 'OFFERING' && event.to === 'QUEUED') {
        step(call, 'queued', 'Not answered · back in line', at);
        call.offeredTo = [];
      }
      if (event.to === 'IVR') step(call, 'ivr', 'IVR menu', at);
      call.status = event.to || call.status;
      if (event.queueId) call.queueId = event.queueId;
      if (event.agentId) call.agentId = event.agentId;
      break;
    }
    case 'call-ended': {
      const call = callFor(event.callId);
      if (event.agentId) call.agentId = event.agentId;
      endCall(call, event.disposition, at);
      // Count it today at once; the record itself follows within about a second.
      const record = state.records.get(event.callId) || {};
      state.records.set(event.callId, {
        ...record, fromEvent: Date.now(), callId: event.callId, queueId: event.queueId || call.queueId, agentId: event.agentId || call.agentId,
        disposition: event.disposition, waitSeconds: event.waitSeconds, talkSeconds: event.talkSeconds,
        answeredAt: record.answeredAt || (Number.isNaN(call.answeredAt) ? undefined : new Date(call.answeredAt).toISOString()),
        enqueuedAt: record.enqueuedAt || (Number.isNaN(call.enqueuedAt) ? undefined : new Date(call.enqueuedAt).toISOString()),
      });
      scheduleRecords(1500);
      break;
    }
    case 'media-quality': {
      const call = callFor(event.callId);
      if (Number.isFinite(event.mos)) call.mos[event.leg || 'customer'] = event.mos;
      break;
    }
    case 'media-flow': {
      const call = callFor(event.callId);
      call.flowing[event.leg || 'customer'] = !!event.flowing;
      break;
    }
    case 'dtmf': {
      const call = callFor(event.callId);
      call.keys += event.digit || '';
      step(call, 'key', `Key ${event.digit}`, at);
      break;
    }
    case 'recording-started':
    case 'recording-resumed':
    case 'recording-paused': {
      callFor(event.callId).recording = event.type === 'recording-paused' ? 'paused' : 'on';
      break;
    }
    case 'callback-offered': {
      step(callFor(event.callId), 'note', 'Callback offered', at);
      break;
    }
    case 'callback-requested': {
      const call = callFor(event.callId);
      call.callback = { number: event.number, attempts: 0 };
      if (call.status !== 'CONNECTED') call.status = 'QUEUED';
      step(call, 'note', 'Callback requested · caller hung up', at);
      break;
    }
    case 'callback-attempted': {
      const call = callFor(event.callId);
      call.callback = { ...(call.callback || {}), number: event.number, attempts: event.attempt };
      step(call, 'ring', `Calling back · attempt ${event.attempt}`, at, [event.agentId]);
      break;
    }
    case 'callback-failed': {
      const call = callFor(event.callId);
      step(call, 'queued', event.willRetry ? `Attempt ${event.attempt} not answered · retry later` : `Attempt ${event.attempt} not answered · last`, at);
      call.offeredTo = [];
      break;
    }
    case 'call-monitored': {
      // Who monitors the call, and how; the step keeps it in the call's timeline.
      const call = callFor(event.callId);
      call.monitor = event.change === 'ended' ? null : { supervisor: event.supervisor, mode: event.mode };
      step(call, 'monitor', event.change === 'ended' ? `${event.supervisor} stopped monitoring`
        : `${titleCase(event.mode)} · ${event.supervisor}`, at);
      break;
    }
    case 'warning': {
      addWarning(event, at);
      if (event.callId && state.calls.has(event.callId)) state.calls.get(event.callId).warning = event.text || event.code;
      break;
    }
    case 'queue-stats': {
      // Every few seconds the feed carries each queue's live figures, as GET /api/v1/queues/stats.
      for (const q of event.queues || []) state.queueStats.set(q.queueId, { ...q, fetchedAt: engineNow() });
      break;
    }
    case 'agent-status-changed': {
      const before = state.agents.get(event.agentId);
      if (!before) {
        refreshLive();
        break;
      }
      const next = {
        ...before, presence: event.presence, breakReason: event.breakReason, activity: event.activity,
        registered: event.registered, currentCalls: event.currentCalls || [],
      };
      // A pending presence shows in polls only; once the presence changes it has happened (or was replaced).
      if (next.presence !== before.presence) {
        delete next.pendingPresence;
        delete next.pendingBreakReason;
      }
      if (agentState(next) !== agentState(before)) next.stateSince = at;
      state.agents.set(event.agentId, next);
      break;
    }
    default:
      break;
  }
  if (event.callId && event.queueId && state.calls.has(event.callId) && !state.calls.get(event.callId).queueId) {
    state.calls.get(event.callId).queueId = event.queueId;
  }
  queueRender();
}

/**
 * How far this screen's clock is ahead of the engine's, learnt from the events (each arrives a
 * few milliseconds after its "at"), so that timers count from the engine's instants correctly
 * even on a screen whose clock is off: the smallest difference among the recent events.
 */
function learnSkew(at) {
  state.skewSamples.push(Date.now() - at);
  if (state.skewSamples.length > 50) state.skewSamples.shift();
  state.skew = Math.min(...state.skewSamples);
}

/** The engine's time now, as far as this screen knows it. */
function engineNow() {
  return Date.now() - state.skew;
}

// ---------------------------------------------------------------- derived figures

function agentName(id) {
  if (!id) return '—';
  const agent = state.agents.get(id);
  return agent && agent.displayName ? agent.displayName : id;
}

/** One word for the agent's state, which picks its colour. */
function agentState(agent) {
  if (!agent) return 'offline';
  if (agent.activity === 'ON_CALL') return 'talking';
  if (agent.activity === 'RINGING' || agent.activity === 'RESERVED') return 'ringing';
  if (agent.activity === 'WRAP_UP') return 'wrapup';
  if (agent.presence === 'OFFLINE') return 'offline';
  if (agent.presence === 'BREAK') return 'break';
  return 'available';
}

const STATE_LABEL = {
  available: 'Available', ringing: 'Ringing', talking: 'On call', wrapup: 'Wrap-up', break: 'Break', offline: 'Offline',
};

/** Available, idle and with a registered phone: the engine can ring it now. */
function isFree(agent) {
  return agentState(agent) === 'available' && !!agent.registered;
}

function agentServesQueue(agent, queueId) {
  if (agent.queues && agent.queues.length) return agent.queues.includes(queueId);
  const config = state.queueConfig.get(queueId);
  if (!config || !config.requiredSkills || !config.requiredSkills.length) return true;
  const skills = new Map((agent.skills || []).map((s) => [String(s.name).toLowerCase(), s.level]));
  return config.requiredSkills.every((r) => (skills.get(String(r.name).toLowerCase()) || 0) >= r.minLevel);
}

function waitingCalls(queueId) {
  return [...state.calls.values()].filter((c) => (c.status === 'QUEUED' || c.status === 'OFFERING')
    && (queueId === undefined || c.queueId === queueId));
}

/** Waiting and longest wait of a queue: from the calls the board tracks, or the last poll when it tracks none. */
function queueWaiting(queueId, now) {
  const calls = waitingCalls(queueId);
  const stats = state.queueStats.get(queueId);
  if (calls.length || state.live === 'live' || !stats) {
    const longest = calls.reduce((max, c) => Math.max(max, since(c.enqueuedAt, now) || 0), 0);
    return { waiting: calls.length, longest };
  }
  const drift = stats.waiting > 0 ? (now - stats.fetchedAt) / 1000 : 0;
  return { waiting: stats.waiting, longest: stats.longestWaitSeconds + drift };
}

/**
 * Service level today as the engine counts it (docs/metrics.md): answered within the queue's
 * serviceLevelSeconds over answered plus abandoned after it, from the supervisor's metrics.
 */
function serviceLevel(queueId) {
  const m = state.metrics;
  const figures = !m ? null : queueId ? (m.queues || []).find((q) => q.queueId === queueId) : m;
  const config = queueId ? state.queueConfig.get(queueId) : null;
  const threshold = (figures && figures.serviceLevelSeconds) ?? (config && config.serviceLevelSeconds) ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  const percent = figures && Number.isFinite(figures.serviceLevelPercentage) ? Math.round(figures.serviceLevelPercentage) : null;
  return { percent, answered: figures ? figures.answered : 0, abandoned: figures ? figures.abandoned : 0, threshold };
}

function level(value, amber, red) {
  if (value >= red) return 'red';
  if (value >= amber) return 'amber';
  return 'green';
}

function slLevel(percent) {
  if (percent === null) return 'muted';
  if (percent >= 80) return 'green';
  if (percent >= 60) return 'amber';
  return 'red';
}

// ---------------------------------------------------------------- rendering

function queueRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => { state.renderQueued = false; render(); });
}

function render() {
  if (!state.token) return;
  const now = engineNow();
  $('clock').textContent = clock(now);
  renderConnection();
  renderKpis(now);
  renderQueues(now);
  renderAgents(now);
  renderCalls(now);
  renderWarnings(now);
}

function renderConnection() {
  const el = $('conn');
  el.dataset.state = state.live;
  $('conn-text').textContent = state.live === 'live' ? 'Live' : state.live === 'connecting' ? 'Connecting' : 'Polling';
  el.title = state.live === 'live' ? 'Updates arrive as they happen' : 'The event stream is not connected: figures are polled every few seconds';
}

function kpi(label, value, cls, note) {
  return h('div', { class: `kpi ${cls || ''}` },
    h('div', { class: 'kpi-value' }, value),
    h('div', { class: 'kpi-label' }, label),
    note ? h('div', { class: 'kpi-note' }, note) : null);
}

function renderKpis(now) {
  const agents = [...state.agents.values()];
  const count = (s) => agents.filter((a) => agentState(a) === s).length;
  const free = agents.filter(isFree).length;
  const waiting = waitingCalls();
  let waitingCount = waiting.length;
  let longest = waiting.reduce((max, c) => Math.max(max, since(c.enqueuedAt, now) || 0), 0);
  if (!waiting.length && state.live !== 'live' && state.stats) {
    waitingCount = state.stats.queuedCalls;
    longest = state.stats.queuedCalls ? state.stats.longestWaitSeconds + (now - state.stats.fetchedAt) / 1000 : 0;
  }
  const talking = [...state.calls.values()].filter((c) => c.status === 'CONNECTED').length;
  const sl = serviceLevel(null);
  fill($('kpis'),
    kpi('Waiting', waitingCount, level(waitingCount, QUEUE_AMBER, QUEUE_RED)),
    kpi('Longest wait', duration(longest), waitingCount ? level(longest, WAIT_AMBER, WAIT_RED) : 'muted'),
    kpi('On call', talking, 'blue'),
    kpi('Available', free, free ? 'green' : (waitingCount ? 'red' : 'muted')),
    kpi('Wrap-up', count('wrapup'), 'purple'),
    kpi('On break', count('break'), 'orange'),
    kpi('Offline', count('offline'), 'muted'),
    kpi('Service level today', sl.percent === null ? '—' : `${sl.percent}%`, slLevel(sl.percent),
      `${sl.answered} answered · ${sl.abandoned} abandoned`));
}

function renderQueues(now) {
  const ids = new Set([...state.queueStats.keys(), ...state.queueConfig.keys()]);
  for (const call of state.calls.values()) if (call.queueId && call.status !== 'ENDED') ids.add(call.queueId);
  const agents = [...state.agents.values()];
  const cards = [...ids].sort().map((id) => {
    const { waiting, longest } = queueWaiting(id, now);
    const sl = serviceLevel(id);
    const serving = agents.filter((a) => agentServesQueue(a, id));
    const by = (s) => serving.filter((a) => agentState(a) === s).length;
    const config = state.queueConfig.get(id);
    const stats = state.queueStats.get(id);
    const waitLevel = waiting ? level(longest, WAIT_AMBER, WAIT_RED) : 'muted';
    const noAgent = waiting > 0 && by('available') === 0 && by('talking') + by('ringing') + by('wrapup') === 0;
    const callbacks = waitingCalls(id).filter((c) => c.callback).length;
    return h('article', { class: `queue q-${level(waiting, QUEUE_AMBER, QUEUE_RED)}`, dataset: { queueId: id } },
      h('header', { class: 'queue-head' },
        h('span', { class: 'queue-name' }, config && config.name && config.name !== id ? config.name : id),
        stats && stats.totalCalls !== undefined ? h('span', { class: 'queue-total' }, `${stats.totalCalls} today`) : null),
      h('div', { class: 'queue-figures' },
        h('div', { class: `fig ${level(waiting, QUEUE_AMBER, QUEUE_RED)}` },
          h('div', { class: 'fig-value', dataset: { field: 'waiting' } }, waiting), h('div', { class: 'fig-label' }, 'waiting')),
        h('div', { class: `fig ${waitLevel}` },
          h('div', { class: 'fig-value' }, duration(longest)), h('div', { class: 'fig-label' }, 'longest wait')),
        h('div', { class: `fig ${slLevel(sl.percent)}` },
          h('div', { class: 'fig-value' }, sl.percent === null ? '—' : `${sl.percent}%`),
          h('div', { class: 'fig-label' }, `answered ≤ ${sl.threshold}s`))),
      h('div', { class: 'queue-agents' },
        pill('available', serving.filter(isFree).length, 'free'),
        pill('talking', by('talking'), 'talking'),
        pill('ringing', by('ringing') + by('wrapup'), 'ring/wrap'),
        pill('break', by('break'), 'break'),
        pill('offline', by('offline'), 'off')),
      h('div', { class: 'queue-foot' },
        h('span', null, `${sl.answered} answered · ${sl.abandoned} abandoned today`),
        callbacks ? h('span', { class: 'queue-callbacks', dataset: { field: 'callbacks' } }, `${callbacks} to call back`) : null,
        noAgent ? h('span', { class: 'alert' }, 'No agent for these callers') : null));
  });
  fill($('queues'), cards.length ? cards : h('p', { class: 'empty' }, 'No queues yet.'));
  fit($('queues'), ['roomy', 'compact']);
}

function pill(cls, n, label) {
  return h('span', { class: `pill ${cls}${n ? '' : ' zero'}` }, h('b', null, n), ` ${label}`);
}

const STATE_ORDER = { ringing: 0, talking: 0, wrapup: 0, available: 0, break: 0, offline: 1 };

function renderAgents(now) {
  const agents = [...state.agents.values()].sort((a, b) => (STATE_ORDER[agentState(a)] - STATE_ORDER[agentState(b)])
    || String(a.displayName || a.id).localeCompare(String(b.displayName || b.id)));
  const online = agents.filter((a) => agentState(a) !== 'offline').length;
  $('agents-summary').textContent = agents.length ? `${online} of ${agents.length} signed in` : '';
  // A full floor: the agents signed off share one line at the end instead of a tile each.
  const collapse = agents.length > 8;
  const offline = collapse ? agents.filter((a) => agentState(a) === 'offline') : [];
  const tiles = agents.filter((a) => !offline.includes(a)).map((agent) => {
    const s = agentState(agent);
    const callId = (agent.currentCalls || [])[0];
    const call = callId ? state.calls.get(callId) : null;
    let label = STATE_LABEL[s];
    if (s === 'break' && agent.breakReason) label = `Break · ${titleCase(agent.breakReason)}`;
    const sinceText = agent.stateSince ? duration(since(agent.stateSince, now)) : '';
    const mos = call ? worstMos(call) : NaN;
    const warn = [];
    if (!agent.registered && agent.presence !== 'OFFLINE') warn.push('No phone registered');
    if (agent.pendingPresence) warn.push(`→ ${titleCase(agent.pendingPresence.toLowerCase())} after this call`);
    return h('article', { class: `agent s-${s}`, dataset: { agentId: agent.id, state: s } },
      h('div', { class: 'agent-top' },
        h('span', { class: 'agent-name' }, agent.displayName || agent.id),
        sinceText ? h('span', { class: 'agent-since' }, sinceText) : null),
      h('div', { class: 'agent-state', dataset: { field: 'state' } }, label),
      call || callId ? h('div', { class: 'agent-call' },
        h('span', { class: 'agent-caller' }, call && call.caller ? callerName(call.caller) : 'call'),
        call && call.queueId ? h('span', { class: 'agent-queue' }, call.queueId) : null,
        call && !Number.isNaN(call.answeredAt) ? h('span', { class: 'agent-talk' }, duration(since(call.answeredAt, now))) : null,
        Number.isFinite(mos) ? h('span', { class: `mos ${mosClass(mos)}` }, `MOS ${mos.toFixed(1)}`) : null) : null,
      warn.length ? h('div', { class: 'agent-warn' }, warn.join(' · ')) : null);
  });
  const box = $('agents');
  if (offline.length) {
    tiles.push(h('div', { class: 'agents-offline', dataset: { count: offline.length } },
      h('b', null, `Offline (${offline.length})`), ' ',
      offline.map((a) => h('span', { class: 'off-name', dataset: { agentId: a.id, state: 'offline' } }, a.displayName || a.id))));
  }
  fill(box, tiles.length ? tiles : h('p', { class: 'empty' }, 'No agents yet.'));
  const hidden = fit(box, ['roomy', 'compact', 'dense']);
  if (hidden) $('agents-summary').textContent += ` · ${hidden} not shown`;
}

/** The first density at which everything in the panel shows; the number still hidden at the densest. */
function fit(box, densities) {
  let hidden = 0;
  for (const density of densities) {
    box.dataset.density = density;
    hidden = countHidden(box);
    if (!hidden) break;
  }
  return hidden;
}

/** How many children of a panel that does not scroll fall below its bottom edge. */
function countHidden(box) {
  const bottom = box.getBoundingClientRect().bottom;
  let hidden = 0;
  for (const child of box.children) if (child.getBoundingClientRect().bottom > bottom + 1) hidden += 1;
  return hidden;
}

function worstMos(call) {
  const values = Object.values(call.mos).filter(Number.isFinite);
  return values.length ? Math.min(...values) : NaN;
}

const CALL_STATUS = {
  INCOMING: ['Incoming', 'ivr'], IVR: ['IVR', 'ivr'], QUEUED: ['Waiting', 'wait'], OFFERING: ['Ringing', 'ring'],
  CONNECTED: ['Talking', 'talk'], ENDED: ['Ended', 'end'],
};
/** A callback before its customer answers: it waits in line without a caller on the line, then is called. */
const CALLBACK_STATUS = { QUEUED: ['Callback', 'wait'], OFFERING: ['Calling back', 'ring'] };

function renderCalls(now) {
  const order = { OFFERING: 0, QUEUED: 0, INCOMING: 1, IVR: 1, CONNECTED: 2, ENDED: 3 };
  const calls = [...state.calls.values()].sort((a, b) => (order[a.status] ?? 2) - (order[b.status] ?? 2)
    || (a.enqueuedAt || 0) - (b.enqueuedAt || 0));
  const active = calls.filter((c) => c.status !== 'ENDED');
  $('calls-summary').textContent = active.length ? `${active.length}` : '';
  const rows = calls.map((call) => {
    const talking = call.status === 'CONNECTED';
    const [label, cls] = talking && call.onHold ? ['On hold', 'wait']
      : (call.callback && CALLBACK_STATUS[call.status]) || CALL_STATUS[call.status] || [titleCase(String(call.status).toLowerCase()), 'ivr'];
    const timer = call.status === 'ENDED' ? ''
      : talking ? duration(since(call.answeredAt, now)) : duration(since(call.enqueuedAt, now));
    const mos = worstMos(call);
    const who = talking ? agentName(call.agentId)
      : call.status === 'OFFERING' && call.offeredTo.length ? `→ ${call.offeredTo.map(agentName).join(', ')}` : '';
    return h('article', { class: `call c-${cls}${call.callback ? ' is-callback' : ''}`, dataset: { callId: call.callId, status: call.status, queueId: call.queueId || '' } },
      h('div', { class: 'call-main' },
        h('span', { class: `status ${cls}` }, call.status === 'ENDED' ? titleCase((call.disposition || 'ended').toLowerCase()) : label),
        h('span', { class: 'call-caller', title: call.caller || '' }, callerName(call.caller)),
        h('span', { class: 'call-route' }, call.queueId || call.dialed || '', who ? h('span', { class: 'call-agent' }, ` · ${who}`) : null),
        call.callback ? h('span', { class: 'callback', title: `Call back ${call.callback.number}` },
          call.callback.attempts ? `↩ ${callerName(call.callback.number)} · ${call.callback.attempts}` : `↩ ${callerName(call.callback.number)}`) : null,
        call.recording ? h('span', { class: `rec ${call.recording}`, title: call.recording === 'paused' ? 'Recording paused' : 'Recorded' },
          call.recording === 'paused' ? 'REC ❚❚' : 'REC') : null,
        // The mode alone fits beside the caller on a third of the screen; who monitors is in the title and the timeline.
        call.monitor && call.status === 'CONNECTED' ? h('span', { class: 'call-monitor', dataset: { mode: call.monitor.mode, supervisor: call.monitor.supervisor },
          title: `${call.monitor.supervisor} monitors this call (${call.monitor.mode})` }, call.monitor.mode) : null,
        Number.isFinite(mos) ? h('span', { class: `mos inline ${mosClass(mos)}` }, mos.toFixed(1)) : null,
        h('span', { class: `call-timer ${talking ? '' : level(since(call.enqueuedAt, now) || 0, WAIT_AMBER, WAIT_RED)}` }, timer)),
      timeline(call, now, Number.isFinite(mos) ? h('span', { class: `mos ${mosClass(mos)}` }, `MOS ${mos.toFixed(1)}`) : null),
      call.warning ? h('div', { class: 'call-warn' }, call.warning) : null);
  });
  fill($('calls'), rows.length ? rows : h('p', { class: 'empty' }, 'No calls right now.'));
  const hidden = fit($('calls'), ['roomy', 'compact']);
  if (hidden) $('calls-summary').textContent += ` · ${hidden} more not shown`;
}

/** A bar of the call's life (waiting, ringing, talking) and its steps with their times. */
function timeline(call, now, badge) {
  const start = call.steps.length ? Math.min(call.steps[0].at, call.enqueuedAt || Infinity) : call.enqueuedAt;
  const end = call.status === 'ENDED' ? call.endedAt : now;
  if (!Number.isFinite(start)) return null;
  const total = Math.max(1, end - start);
  const segments = [];
  let from = start; let kind = 'wait';
  for (const s of call.steps) {
    const next = s.kind === 'ring' ? 'ring' : s.kind === 'talk' ? 'talk' : s.kind === 'queued' ? 'wait' : s.kind === 'ivr' ? 'ivr' : kind;
    if (next !== kind && s.at > from) {
      segments.push({ kind, from, to: s.at });
      from = s.at;
    }
    kind = next;
  }
  segments.push({ kind, from, to: end });
  const bar = h('div', { class: 'tl-bar' });
  for (const seg of segments) {
    const part = h('span', { class: `tl-seg ${seg.kind}` });
    part.style.width = `${Math.max(0.5, (100 * (seg.to - seg.from)) / total)}%`;
    bar.append(part);
  }
  const steps = call.steps.slice(-5).map((s) => h('span', { class: `tl-step ${s.kind}` },
    h('b', null, `+${duration((s.at - start) / 1000)}`),
    ` ${s.label}${s.agentIds && s.agentIds.length ? ` · ${s.agentIds.map(agentName).join(', ')}` : ''}`));
  return h('div', { class: 'timeline' }, bar, h('div', { class: 'tl-steps' }, steps, badge));
}

function renderWarnings(now) {
  const items = [];
  if (state.live !== 'live') {
    items.push({ cls: 'info', time: clock(now), text: 'Event stream not connected: figures are polled every few seconds.' });
  }
  for (const [id, stats] of state.queueStats) {
    const { waiting } = queueWaiting(id, now);
    if (waiting > 0 && stats.availableAgents === 0) {
      const serving = [...state.agents.values()].filter((a) => agentServesQueue(a, id) && agentState(a) !== 'offline');
      if (!serving.length) items.push({ cls: 'alert', time: clock(now), text: `${id}: ${waiting} waiting and no agent signed in` });
    }
  }
  for (const w of state.warnings.slice(0, MAX_WARNINGS)) {
    const who = [w.queueId, w.agentId ? agentName(w.agentId) : null].filter(Boolean).join(' · ');
    items.push({ cls: w.code === 'no-rtp' ? 'alert' : 'warn', time: clock(w.atMs), text: `${w.text || w.code}${who ? ` (${who})` : ''}` });
  }
  fill($('warnings'), items.length
    ? items.slice(0, MAX_WARNINGS).map((i) => h('li', { class: i.cls }, h('time', null, i.time), h('span', null, i.text)))
    : h('li', { class: 'none' }, 'No warnings'));
}

signIn.start();
