// The agent page: sign in with the agent token, set presence (and break reason), see the
// current call and today's figures. Live from the event stream when the engine offers it to
// agent tokens, polled otherwise.
import {
  ApiError, BREAK_REASONS, LiveEvents, SignIn, TokenStore, api, callerName, clock, duration, fill, h, ms, since, titleCase, todayStart,
} from './common.js';

const tokens = new TokenStore('callengine.agent.token');

const state = {
  token: '',
  agentId: '',
  agent: null,
  records: [],
  queues: [],
  queuesAt: 0,
  offer: null,
  live: 'connecting',
  events: null,
  timers: new Set(),
  refreshTimer: null,
  busy: false,
  // The recording of the current call as the events and the pause button last said: {callId, paused}.
  recording: null,
  held: new Set(),
  /** When the events or the engine's answer last said a call's hold, by call id: fresher than the records. */
  holdSaidAt: new Map(),
  holding: false,
  holdError: '',
  /** The callback this agent is rung or talks for, as its events said: {callId, number, attempt, answered}. */
  callback: null,
  /** The consult of the current call, as the engine's answers and the events said: {callId, consultId, target, state, error}. */
  consult: null,
  /** Why a consult ended without a step of this page (the target did not answer, hung up): {callId, text}. */
  consultEnd: null,
};

const CONSULT_STATE = { started: 'RINGING', answered: 'TALKING', conference: 'CONFERENCE' };

const $ = (id) => document.getElementById(id);
const signIn = new SignIn(tokens, 'desk', { check, open, close: stop, later });

function later(fn, delayMs) {
  const timer = setTimeout(() => { state.timers.delete(timer); fn(); }, delayMs);
  state.timers.add(timer);
  return timer;
}

// ---------------------------------------------------------------- sign-in

/** Only an agent's token opens this page. */
async function check(token) {
  const me = await api(token, '/api/v1/me');
  if (me.role !== 'agent' || !me.agentId) {
    throw new ApiError(403, 'This is not an agent token. Supervisors and admins use the wallboard at /wallboard.');
  }
  return me;
}

/** Once per page: the sign-in, the buttons, the reasons. */
function init() {
  for (const reason of BREAK_REASONS) $('break-reason').append(h('option', { value: reason }, titleCase(reason)));
  for (const button of document.querySelectorAll('.choice')) {
    button.addEventListener('click', () => setPresence(button.dataset.presence));
  }
  $('break-reason').addEventListener('change', () => {
    if (state.agent && (state.agent.presence === 'BREAK' || state.agent.pendingPresence === 'BREAK')) setPresence('BREAK');
  });
  $('transfer').addEventListener('submit', transfer);
  $('consult-go').addEventListener('click', startConsult);
  signIn.start();
}

function open(token, me) {
  state.token = token;
  state.agentId = me.agentId;
  $('agent-id').textContent = me.agentId;
  refresh().finally(() => { document.body.dataset.ready = '1'; });
  state.events = new LiveEvents(token, {
    onEvent,
    onState: (s) => { state.live = s; renderConnection(); },
    onOpen: () => refresh(),
  }).start();
  const poll = async () => {
    if (state.token !== token) return;
    await refresh();
    if (state.token === token) later(poll, state.live === 'live' ? 10000 : 3000);
  };
  later(poll, 3000);
  const ticker = setInterval(render, 1000);
  state.timers.add(ticker);
}

function stop() {
  if (state.events) state.events.stop();
  state.events = null;
  state.token = '';
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  state.refreshTimer = null;
  delete document.body.dataset.ready;
}

// ---------------------------------------------------------------- API

async function guarded(fn) {
  try {
    return await fn();
  } catch (e) {
    if (e.status === 401) signIn.signOut('Your token was revoked.');
    else if (e.status === 403) signIn.signOut(e.message);
    throw e;
  }
}

async function refresh() {
  const id = encodeURIComponent(state.agentId);
  try {
    await guarded(async () => {
      const [agent, records, queues] = await Promise.all([
        api(state.token, `/api/v1/agents/${id}`),
        api(state.token, `/api/v1/agents/${id}/calls?from=${encodeURIComponent(todayStart())}&limit=1000`),
        api(state.token, '/api/v1/queues/stats'),
      ]);
      state.agent = agent;
      state.records = records || [];
      for (const r of state.records) {
        if (r.disposition || Date.now() - (state.holdSaidAt.get(r.callId) || 0) < 5000) continue;
        if (r.onHold) state.held.add(r.callId);
        else state.held.delete(r.callId);
      }
      state.queues = queues || [];
      state.queuesAt = Date.now();
      if (state.offer && !(agent.currentCalls || []).includes(state.offer.callId)) state.offer = null;
    });
  } catch (e) {
    if (e.status === 0) $('status-error').textContent = e.message;
    return;
  }
  if ($('status-error').textContent === 'the engine does not answer') $('status-error').textContent = '';
  // The records follow the events by about a second (more on a busy engine): a call answered
  // before its record was written is read again shortly, not at the next poll.
  const ids = state.agent.currentCalls || [];
  if (state.agent.activity === 'ON_CALL' && ids.some((id) => !state.records.some((r) => r.callId === id))) refreshSoon(1000);
  render();
}

/** A refresh soon, once for a burst of events. */
function refreshSoon(delayMs = 150) {
  if (state.refreshTimer) return;
  state.refreshTimer = later(() => { state.refreshTimer = null; refresh(); }, delayMs);
}

/** Pauses or resumes the recording of the current call (card numbers); the answer is the call. */
async function setRecordingPaused(callId, paused) {
  if (state.busy) return;
  state.busy = true;
  $('status-error').textContent = '';
  const path = `/api/v1/agents/${encodeURIComponent(state.agentId)}/calls/${encodeURIComponent(callId)}/recording/${paused ? 'pause' : 'resume'}`;
  try {
    const call = await guarded(() => api(state.token, path, { method: 'POST' }));
    if (call && call.recording) state.recording = { callId, paused: !!call.recording.paused };
  } catch (e) {
    if (e.status !== 401) $('status-error').textContent = e.message;
  }
  state.busy = false;
  render();
}

async function setPresence(presence) {
  if (state.busy || !state.agentId) return;
  state.busy = true;
  $('status-error').textContent = '';
  renderControls();
  const body = { presence };
  if (presence === 'BREAK') body.reason = $('break-reason').value;
  try {
    state.agent = await guarded(() => api(state.token, `/api/v1/agents/${encodeURIComponent(state.agentId)}/status`, { method: 'PUT', body }));
  } catch (e) {
    if (e.status !== 401) $('status-error').textContent = e.message;
  }
  state.busy = false;
  render();
}

/** Holds or resumes the current call; the engine's answer says which it is now. */
async function toggleHold(callId) {
  if (state.holding || !state.agentId) return;
  state.holding = true;
  state.holdError = '';
  renderCall();
  const action = state.held.has(callId) ? 'resume' : 'hold';
  const path = `/api/v1/agents/${encodeURIComponent(state.agentId)}/calls/${encodeURIComponent(callId)}/${action}`;
  try {
    const hold = await guarded(() => api(state.token, path, { method: 'POST' }));
    if (hold.onHold) state.held.add(callId);
    else state.held.delete(callId);
    state.holdSaidAt.set(callId, Date.now());
  } catch (e) {
    if (e.status !== 401) state.holdError = e.message;
  }
  state.holding = false;
  render();
}

/**
 * Posts the form's target to the current call's {@code action} (transfer or consult): the call and
 * the engine's answer, or null when there is nothing to send or the engine refused (said under the form).
 */
async function postFormTarget(action) {
  const record = state.agent && currentRecord();
  const target = $('transfer-target').value.trim();
  if (state.busy || !record || !target) return null;
  state.busy = true;
  $('transfer-error').textContent = '';
  try {
    // Not guarded: a 403 here is an address off the allowlist, not a token gone.
    const answer = await api(state.token, callPath(record.callId, action), { method: 'POST', body: { [$('transfer-kind').value]: target } });
    $('transfer-target').value = '';
    return { callId: record.callId, answer };
  } catch (e) {
    if (e.status === 401) signIn.signOut('Your token was revoked.');
    else $('transfer-error').textContent = e.message;
    return null;
  } finally {
    state.busy = false;
  }
}

/** A blind transfer of the current call: the engine hangs up this phone once the call is handed over. */
async function transfer(event) {
  event.preventDefault();
  await postFormTarget('transfer');
  refreshSoon();
}

/** Calls the form's target while the caller waits on hold; the engine answers once the caller is held. */
async function startConsult() {
  state.consultEnd = null;
  const sent = await postFormTarget('consult');
  // The events may have told more already (the target answered before this answer came): they win.
  const known = state.consult && state.consult.consultId === sent?.answer.consultId;
  if (sent && !known) state.consult = { callId: sent.callId, consultId: sent.answer.consultId, target: sent.answer.target, state: sent.answer.state, error: '' };
  render();
}

/** complete (the target takes the call), conference (all three talk) or cancel (back to the caller); a refusal shows in the consult's box. */
async function stepConsult(step) {
  const consult = state.consult;
  if (state.busy || !consult) return;
  state.busy = true;
  try {
    const after = await guarded(() => api(state.token, callPath(consult.callId, `consult/${step}`), { method: 'POST' }));
    const over = after.state === 'COMPLETED' || after.state === 'ENDED';
    // Unless an event ended it meanwhile (the target hung up): then that stands.
    if (over) state.consult = null;
    else if (state.consult && state.consult.consultId === consult.consultId) state.consult = { ...state.consult, state: after.state, error: '' };
  } catch (e) {
    if (e.status !== 401 && state.consult && state.consult.consultId === consult.consultId) state.consult = { ...state.consult, error: e.message };
  }
  state.busy = false;
  render();
  refreshSoon();
}

function callPath(callId, action) {
  return `/api/v1/agents/${encodeURIComponent(state.agentId)}/calls/${encodeURIComponent(callId)}/${action}`;
}

// ---------------------------------------------------------------- events

function onEvent(event) {
  if (event.type === 'queue-stats') {
    state.queues = event.queues || [];
    state.queuesAt = Date.now();
    render();
    return;
  }
  const mine = event.agentId === state.agentId
    || (Array.isArray(event.agentIds) && event.agentIds.includes(state.agentId))
    || (state.agent && (state.agent.currentCalls || []).includes(event.callId));
  if (event.type === 'agent-status-changed') {
    if (event.agentId !== state.agentId || !state.agent) return;
    Object.assign(state.agent, {
      presence: event.presence, breakReason: event.breakReason, activity: event.activity,
      registered: event.registered, currentCalls: event.currentCalls || [],
    });
    render();
    refreshSoon();
    return;
  }
  if (event.type.startsWith('recording-') && mine) {
    state.recording = event.type === 'recording-stopped' ? null : { callId: event.callId, paused: event.type === 'recording-paused' };
    render();
  }
  if ((event.type === 'call-held' || event.type === 'call-resumed') && mine) {
    if (event.type === 'call-held') state.held.add(event.callId);
    else state.held.delete(event.callId);
    state.holdSaidAt.set(event.callId, Date.now());
    render();
  }
  if (event.type.startsWith('callback-') && mine) {
    if (event.type === 'callback-attempted') state.callback = { callId: event.callId, number: event.number, attempt: event.attempt, answered: false };
    else if (event.type === 'callback-completed' && state.callback && state.callback.callId === event.callId) state.callback.answered = true;
    else if (event.type === 'callback-failed' && state.callback && state.callback.callId === event.callId) state.callback = null;
    render();
  }
  if (event.type === 'call-consulted' && event.agentId === state.agentId) {
    if (event.change === 'ended') {
      state.consult = null;
      const byThisPage = event.completed || (event.reason || '').startsWith('cancelled');
      state.consultEnd = byThisPage ? null : { callId: event.callId, text: `Consult ended: ${event.reason}` };
    } else if (CONSULT_STATE[event.change]) {
      state.consult = { callId: event.callId, consultId: event.consultId, target: event.target, state: CONSULT_STATE[event.change], error: '' };
    }
    render();
  }
  if (event.type === 'call-offered' && mine) {
    state.offer = { callId: event.callId, queueId: event.queueId, at: ms(event.at) || Date.now() };
  }
  if (event.type === 'call-queued' || event.type === 'call-ended' || event.type === 'call-established') refreshSoon(event.type === 'call-queued' ? 1000 : 150);
  else if (mine) refreshSoon();
}

// ---------------------------------------------------------------- rendering

function renderConnection() {
  const el = $('conn');
  el.dataset.state = state.live;
  $('conn-text').textContent = state.live === 'live' ? 'Live' : state.live === 'connecting' ? 'Connecting' : 'Updating every 3 s';
}

function render() {
  if (!state.token || !state.agent) return;
  renderConnection();
  const agent = state.agent;
  $('agent-name').textContent = agent.displayName || agent.id;
  const phone = $('phone');
  phone.dataset.registered = agent.registered ? 'true' : 'false';
  phone.textContent = agent.registered ? 'Phone connected' : 'No phone registered';
  phone.title = agent.registered && agent.contact ? agent.contact : 'Register your SIP phone to take calls';
  renderPresence();
  renderControls();
  renderCall();
  renderToday();
  renderQueues();
  renderHistory();
}

const ACTIVITY = {
  IDLE: 'Ready for the next call', RESERVED: 'A call is coming', RINGING: 'Your phone is ringing',
  ON_CALL: 'On a call', WRAP_UP: 'Wrap-up',
};

function renderPresence() {
  const agent = state.agent;
  const box = $('presence');
  box.dataset.presence = agent.presence;
  box.dataset.activity = agent.activity || 'IDLE';
  let label = titleCase((agent.presence || 'OFFLINE').toLowerCase());
  if (agent.presence === 'BREAK') label = `On break${agent.breakReason ? ` · ${titleCase(agent.breakReason)}` : ''}`;
  $('presence-label').textContent = label;
  let activity = ACTIVITY[agent.activity] || '';
  if (agent.presence === 'OFFLINE' && agent.activity === 'IDLE') activity = 'Not taking calls';
  if (agent.presence === 'BREAK' && agent.activity === 'IDLE') activity = 'Not taking calls';
  if (agent.activity === 'WRAP_UP' && agent.wrapUpUntil) {
    activity = `Wrap-up · ${duration((ms(agent.wrapUpUntil) - Date.now()) / 1000)} left`;
  }
  if (agent.presence === 'AVAILABLE' && !agent.registered) activity = 'Available, but no phone is registered';
  $('activity').textContent = activity;
  const pending = $('pending');
  if (agent.pendingPresence) {
    const reason = agent.pendingBreakReason ? ` (${titleCase(agent.pendingBreakReason)})` : '';
    pending.textContent = `${titleCase(agent.pendingPresence.toLowerCase())}${reason} once this call and its wrap-up are over`;
    pending.hidden = false;
  } else {
    pending.hidden = true;
  }
  if (agent.breakReason && document.activeElement !== $('break-reason') && BREAK_REASONS.includes(agent.breakReason)) {
    $('break-reason').value = agent.breakReason;
  }
}

function renderControls() {
  const agent = state.agent;
  for (const button of document.querySelectorAll('.choice')) {
    const target = agent ? (agent.pendingPresence || agent.presence) : '';
    button.setAttribute('aria-pressed', String(button.dataset.presence === target));
    button.disabled = state.busy;
  }
}

function currentRecord() {
  const ids = state.agent.currentCalls || [];
  if (!ids.length) return null;
  return state.records.find((r) => ids.includes(r.callId)) || { callId: ids[0] };
}

/** The callback the current call is, if it is one: from its record once connected, from the events before. */
function callbackOf(record) {
  if (!record) return null;
  const known = state.callback && state.callback.callId === record.callId ? state.callback : null;
  if (record.callbackNumber) return { number: record.callbackNumber, attempt: record.callbackAttempts, answered: !!record.answeredAt || !!(known && known.answered) };
  return known;
}

function renderCall() {
  const agent = state.agent;
  const record = currentRecord();
  const panel = $('call');
  const callback = callbackOf(record);
  const consult = record && state.consult && state.consult.callId === record.callId ? state.consult : null;
  const consultEnded = record && state.consultEnd && state.consultEnd.callId === record.callId ? state.consultEnd : null;
  // A callback is neither held nor transferred (the engine refuses both), a call in a consult has its own steps: no form for them.
  $('transfer').hidden = !record || agent.activity !== 'ON_CALL' || !!callback || !!consult;
  fill($('transfer-queues'), state.queues.map((q) => h('option', { value: q.queueId })));
  panel.dataset.callId = record ? record.callId : '';
  if (!record) {
    panel.dataset.callback = '';
    panel.dataset.state = 'none';
    fill(panel, h('p', { class: 'no-call' }, agent.presence === 'AVAILABLE' ? 'No call. The next one comes to you.' : 'No call.'));
    return;
  }
  const now = Date.now();
  const answered = ms(record.answeredAt);
  const enqueued = ms(record.enqueuedAt);
  const ringing = agent.activity === 'RINGING' || agent.activity === 'RESERVED';
  const queueId = record.queueId || (state.offer && state.offer.queueId) || '';
  const onHold = !ringing && state.held.has(record.callId);
  panel.dataset.state = ringing ? 'ringing' : onHold ? 'held' : 'talking';
  panel.dataset.callback = callback ? (callback.answered ? 'connected' : 'calling') : '';
  const status = ringing ? (callback ? 'Callback ringing' : 'Ringing')
    : callback && !callback.answered ? 'Calling the customer' : onHold ? 'On hold' : 'Talking';
  const waited = Number.isFinite(record.waitSeconds) ? record.waitSeconds
    : !Number.isNaN(answered) && !Number.isNaN(enqueued) ? (answered - enqueued) / 1000 : NaN;
  fill(panel,
    h('div', { class: 'call-status' }, status,
      !ringing && !Number.isNaN(answered) ? h('span', { class: 'call-clock' }, duration(since(answered, now))) : null),
    h('div', { class: 'call-caller', title: record.caller || '' }, record.caller ? callerName(record.caller) : 'Caller'),
    callback ? h('div', { class: 'call-callback', title: callback.number || '' },
      `Callback to ${callback.number ? callerName(callback.number) : 'the customer'}${callback.attempt > 1 ? ` · attempt ${callback.attempt}` : ''}`) : null,
    h('dl', { class: 'call-facts' },
      h('div', null, h('dt', null, 'Queue'), h('dd', null, queueId || '—')),
      h('div', null, h('dt', null, 'Waited'), h('dd', null, Number.isFinite(waited) ? duration(waited) : '—')),
      h('div', null, h('dt', null, 'Answered'), h('dd', null, Number.isNaN(answered) ? '—' : clock(answered))),
      record.dialed && record.dialed !== queueId ? h('div', null, h('dt', null, 'Dialed'), h('dd', null, record.dialed)) : null),
    ringing || !record.callId || callback || consult ? null : h('div', { class: 'call-actions' },
      h('button', { type: 'button', class: 'hold', disabled: state.holding, 'aria-pressed': String(onHold),
        onclick: () => toggleHold(record.callId) }, onHold ? 'Resume' : 'Hold'),
      state.holdError ? h('p', { class: 'error', role: 'alert' }, state.holdError) : null),
    consult ? consultControl(consult) : consultEnded && !ringing ? h('p', { class: 'error consult-ended', role: 'alert' }, consultEnded.text) : null,
    ringing ? null : recordingControl(record));
}

/** The running consult: who is called, how far it got, and its steps (complete and conference once the target answered). */
function consultControl(consult) {
  const who = consult.target.startsWith('agent:') ? consult.target.slice('agent:'.length) : callerName(consult.target);
  const label = { RINGING: `Calling ${who}`, TALKING: `Talking to ${who}`, CONFERENCE: `Conference with ${who}` }[consult.state] || who;
  const step = (name, text) => h('button', { type: 'button', class: `consult-${name}`, disabled: state.busy, onclick: () => stepConsult(name) }, text);
  return h('div', { class: 'call-consult', dataset: { state: consult.state } },
    h('span', { class: 'consult-label' }, label),
    consult.state === 'TALKING' ? step('complete', 'Complete transfer') : null,
    consult.state === 'TALKING' ? step('conference', 'Conference') : null,
    step('cancel', consult.state === 'CONFERENCE' ? `Drop ${who}` : 'Cancel consult'),
    consult.error ? h('p', { class: 'error', role: 'alert' }, consult.error) : null);
}

/** For a recorded call: whether it records now, and the button that pauses or resumes it. */
function recordingControl(record) {
  const known = state.recording && state.recording.callId === record.callId ? state.recording : null;
  if (!known && !record.recorded) return null;
  const paused = !!(known && known.paused);
  const button = h('button', { type: 'button', class: 'recording-toggle', disabled: state.busy },
    paused ? 'Resume recording' : 'Pause recording');
  button.addEventListener('click', () => setRecordingPaused(record.callId, !paused));
  return h('div', { class: `call-recording ${paused ? 'paused' : 'on'}` },
    h('span', { class: 'rec' }, paused ? 'Recording paused' : 'Recording'), button);
}

function renderToday() {
  const now = Date.now();
  const done = state.records.filter((r) => r.disposition === 'COMPLETED');
  const current = state.records.filter((r) => !r.disposition && r.answeredAt);
  const talk = done.reduce((sum, r) => sum + (r.talkSeconds || 0), 0)
    + current.reduce((sum, r) => sum + since(r.answeredAt, now), 0);
  const longest = done.reduce((max, r) => Math.max(max, r.talkSeconds || 0), 0);
  const figure = (label, value, id) => h('div', { class: 'figure', dataset: { field: id } },
    h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label' }, label));
  fill($('today'),
    figure('Calls handled', done.length, 'handled'),
    figure('Talk time', duration(talk), 'talk'),
    figure('Average call', done.length ? duration(done.reduce((s, r) => s + (r.talkSeconds || 0), 0) / done.length) : '—', 'average'),
    figure('Longest call', done.length ? duration(longest) : '—', 'longest'));
}

function renderQueues() {
  const agent = state.agent;
  const mine = agent.queues && agent.queues.length ? state.queues.filter((q) => agent.queues.includes(q.queueId)) : state.queues;
  fill($('queues'), mine.length ? mine.map((q) => h('div', { class: `mini-queue${q.waiting ? ' busy' : ''}` },
    h('span', { class: 'mq-name' }, q.queueId),
    h('span', { class: 'mq-wait' }, h('b', null, q.waiting), ' waiting'),
    q.waiting ? h('span', { class: 'mq-longest' }, `longest ${duration(q.longestWaitSeconds + since(state.queuesAt))}`) : null))
    : h('p', { class: 'empty' }, 'No queues.'));
}

function renderHistory() {
  const rows = state.records.slice(0, 8).map((r) => h('tr', null,
    h('td', null, clock(r.answeredAt || r.enqueuedAt)),
    h('td', { title: r.caller || '' }, callerName(r.caller)),
    h('td', null, r.queueId || ''),
    h('td', null, Number.isFinite(r.waitSeconds) ? duration(r.waitSeconds)
      : r.answeredAt ? duration((ms(r.answeredAt) - ms(r.enqueuedAt)) / 1000) : '—'),
    h('td', null, Number.isFinite(r.talkSeconds) ? duration(r.talkSeconds) : r.answeredAt ? duration(since(r.answeredAt)) : '—'),
    h('td', { class: `outcome ${(r.disposition || 'live').toLowerCase()}` }, r.disposition ? titleCase(r.disposition.toLowerCase()) : 'In progress')));
  fill($('history'), rows.length ? rows : h('tr', null, h('td', { colspan: '6', class: 'empty' }, 'No calls yet today.')));
}

init();
