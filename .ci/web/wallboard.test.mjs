// The wallboard and the agent page in headless Chromium, against a running node that
// .ci/wallboard-e2e.sh has started and provisioned (queues support, which records every call,
// sales, and billing, which offers callbacks; alice AVAILABLE on sales, bob OFFLINE on support,
// erin OFFLINE on billing, the team lead's phone account; the four phones answered by one SIPp
// UAS, which logs its messages to WB_UAS_MESSAGES; the node's outbound proxy at
// WB_CUSTOMER_PORT, where this test starts the called-back customer's phone).
// Places the customer calls with SIPp itself. Exits 0 when every check passed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run .ci/wallboard-e2e.sh)`);
  return value;
};
const BASE = env('WB_BASE');
const SUPERVISOR = env('WB_SUPERVISOR_TOKEN');
const AGENT_TOKEN = env('WB_AGENT_TOKEN');
const AGENT_ID = env('WB_AGENT_ID');
const SIP_TARGET = env('WB_SIP_TARGET');
const SIP_HOST = env('WB_SIP_HOST');
const SIPP_PORTS = env('WB_SIPP_PORTS').split(',').map(Number);
const SIPP_MEDIA = Number(env('WB_SIPP_MEDIA'));
const SIPP_DIR = env('WB_SIPP_DIR');
const WEB_DIR = env('WB_WEB_DIR');
const WORK = env('WB_WORK');
const SHOTS = env('WB_SHOTS');
const CHROMIUM = env('WB_CHROMIUM');
const MONITOR_PHONE = env('WB_MONITOR_PHONE');
const UAS_MESSAGES = env('WB_UAS_MESSAGES');
const CALLBACK_AGENT_TOKEN = env('WB_CALLBACK_AGENT_TOKEN');
const CALLBACK_AGENT_ID = env('WB_CALLBACK_AGENT_ID');
const CUSTOMER_PORT = env('WB_CUSTOMER_PORT');
const CUSTOMER_MEDIA = env('WB_CUSTOMER_MEDIA');

const require = createRequire(join(WEB_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const log = (...args) => console.error(new Date().toISOString().slice(11, 23), ...args);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const children = [];
let checks = 0;

function pass(what) {
  checks += 1;
  log(`ok ${checks}: ${what}`);
}

async function until(what, fn, timeoutMs, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** One SIPp customer: scenario, queue, call length (ms); its SIP messages go to <name>-messages.log. */
function customer(name, scenario, queue, talkMs, index) {
  const args = [SIP_TARGET, '-sf', scenario, '-s', queue, '-i', SIP_HOST, '-p', String(SIPP_PORTS[index]),
    '-mp', String(SIPP_MEDIA + 4 * index), '-m', '1', '-d', String(talkMs), '-timeout', '240s', '-nostdin',
    '-trace_msg', '-message_file', join(WORK, `${name}-messages.log`),
    '-trace_err', '-error_file', join(WORK, `${name}-errors.log`)];
  const child = spawn('sipp', args, { cwd: WORK, stdio: 'ignore' });
  children.push(child);
  return child;
}

/** Resolves with a SIPp process's exit code once it has exited. */
function exited(child, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) { resolve(child.exitCode); return; }
    const timer = setTimeout(() => reject(new Error(`${what}: SIPp still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

/** When SIPp's message log first shows the engine's 200 to the INVITE (SIPp writes each message as it goes). */
async function answeredAt(name, timeoutMs) {
  const file = join(WORK, `${name}-messages.log`);
  return until(`the engine's 200 OK to ${name}`, () => {
    if (!existsSync(file)) return null;
    const text = readFileSync(file, 'utf8');
    return /SIP\/2\.0 200 OK[\s\S]*?CSeq:\s*1 INVITE/i.test(text) ? Date.now() : null;
  }, timeoutMs, 5);
}

/** An API call with the supervisor's token: the answer's status and JSON body (null when none). */
async function callApi(method, path, body) {
  const headers = { Authorization: `Bearer ${SUPERVISOR}` };
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BASE}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** The call as GET /api/v1/supervisor/calls/{id} shows it, once {@code test} holds for it. */
async function callShows(what, callId, test) {
  return until(what, async () => {
    const { status, body } = await callApi('GET', `/api/v1/supervisor/calls/${encodeURIComponent(callId)}`);
    return status === 200 && test(body) ? body : null;
  }, 5000, 100);
}

/** Whether the agent phone's SIPp log shows {@code pattern} (SIPp writes each message as it goes). */
function phoneLogShows(pattern) {
  return existsSync(UAS_MESSAGES) && pattern.test(readFileSync(UAS_MESSAGES, 'utf8'));
}

async function signIn(page, path, token) {
  await page.goto(`${BASE}${path}`);
  await page.waitForSelector('#signin:not([hidden])');
  await page.fill('#signin-token', token);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const wallContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const wall = await wallContext.newPage();
    wall.on('pageerror', (e) => problems.push(`wallboard: ${e.message}`));
    wall.on('console', (m) => { if (m.type() === 'error') log(`wallboard console: ${m.text()}`); });

    // 1. The page loads (no token needed for it), asks for a token, and goes live.
    const response = await wall.request.get(`${BASE}/wallboard`);
    if (response.status() !== 200 || !(response.headers()['content-type'] || '').startsWith('text/html')) {
      throw new Error(`GET /wallboard answered ${response.status()} ${response.headers()['content-type']}`);
    }
    await signIn(wall, '/wallboard', SUPERVISOR);
    await wall.waitForSelector('#conn[data-state="live"]', { timeout: 10000 });
    await wall.waitForSelector(`.agent[data-agent-id="alice"][data-state="available"]`, { timeout: 5000 });
    await wall.waitForSelector('.queue[data-queue-id="support"]', { timeout: 5000 });
    pass('the wallboard loads, signs in with a supervisor token and is live on the event stream');

    // 2. A caller for sales, who talks for a minute: alice answers.
    customer('sales-caller', join(WEB_DIR, 'customer-uac-rtp-long.xml'), 'sales', 60000, 0);
    await wall.waitForSelector('.agent[data-agent-id="alice"][data-state="talking"]', { timeout: 15000 });
    await wall.waitForSelector('.call[data-queue-id="sales"][data-status="CONNECTED"]', { timeout: 5000 });
    pass('a sales call answered by alice shows on the wallboard');

    // 3. A caller for support, where nobody is available: he waits, and the wallboard shows him
    //    within a second of the engine answering his INVITE.
    await wall.evaluate(() => {
      window.__supportCallSeen = 0;
      const seen = () => {
        const el = document.querySelector('.call[data-queue-id="support"][data-status="QUEUED"]');
        if (el && !window.__supportCallSeen && el.textContent.includes('customer1')) window.__supportCallSeen = Date.now();
      };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      seen();
    });
    const placed = Date.now();
    customer('support-caller', join(SIPP_DIR, 'customer-uac.xml'), 'support', 120000, 1);
    const answered = await answeredAt('support-caller', 15000);
    await wall.waitForFunction(() => window.__supportCallSeen > 0, null, { timeout: Math.max(100, answered + 1000 - Date.now()) })
      .catch(() => { throw new Error('the waiting support call did not show on the wallboard within 1 s of the 200 OK'); });
    const seenAt = await wall.evaluate(() => window.__supportCallSeen);
    if (seenAt - answered > 1000) throw new Error(`the support call showed ${seenAt - answered} ms after the 200 OK`);
    await until('support shows 1 waiting', () => wall.evaluate(
      () => document.querySelector('.queue[data-queue-id="support"] [data-field="waiting"]')?.textContent === '1'), 2000);
    pass(`the waiting support call shows ${seenAt - answered} ms after the engine's 200 OK (${seenAt - placed} ms after SIPp started)`);

    // 4. Bob's agent page: he goes on a lunch break; the wallboard shows it.
    const deskContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const desk = await deskContext.newPage();
    desk.on('pageerror', (e) => problems.push(`agent page: ${e.message}`));
    desk.on('console', (m) => { if (m.type() === 'error') log(`agent page console: ${m.text()}`); });
    await signIn(desk, '/agent', AGENT_TOKEN);
    await desk.waitForSelector('#presence[data-presence="OFFLINE"]', { timeout: 5000 });
    await until('bob\'s call of earlier today in his figures', () => desk.evaluate(
      () => document.querySelector('[data-field="handled"] .figure-value')?.textContent === '1'), 5000);
    pass('the agent page signs in with bob\'s token and shows him OFFLINE with one call today');

    await desk.selectOption('#break-reason', 'lunch');
    const clicked = Date.now();
    await desk.click('#set-break');
    await desk.waitForSelector('#presence[data-presence="BREAK"]', { timeout: 5000 });
    await wall.waitForFunction((id) => {
      const tile = document.querySelector(`.agent[data-agent-id="${id}"]`);
      return tile && tile.dataset.state === 'break' && tile.textContent.includes('Lunch');
    }, AGENT_ID, { timeout: 2000, polling: 20 });
    pass(`bob clicks Break (lunch) on his page; the wallboard shows him on a lunch break ${Date.now() - clicked} ms later`);

    // 5. Back from lunch: the waiting call comes to bob's phone; both pages show it.
    await desk.click('#set-available');
    await wall.waitForSelector(`.agent[data-agent-id="${AGENT_ID}"][data-state="talking"]`, { timeout: 15000 });
    await desk.waitForFunction(() => {
      const panel = document.querySelector('#call');
      return panel && panel.dataset.state === 'talking' && panel.textContent.includes('customer1') && panel.textContent.includes('support');
    }, null, { timeout: 10000 });
    pass('bob sets Available, takes the waiting call; his page shows the caller, the queue and the wait');

    // 6. One more support caller waits while bob talks, for the picture.
    customer('second-support-caller', join(SIPP_DIR, 'customer-uac.xml'), 'support', 120000, 2);
    await wall.waitForSelector('.call[data-queue-id="support"][data-status="QUEUED"]', { timeout: 5000 });
    await until('the agent page shows the caller waiting in support', () => desk.evaluate(() => [...document.querySelectorAll('.mini-queue')]
      .some((q) => q.textContent.startsWith('support') && q.querySelector('.mq-wait b')?.textContent === '1')), 15000, 200);
    pass('the agent page shows one caller waiting in support');
    await wall.waitForSelector('.agent[data-agent-id="alice"] .mos', { timeout: 15000 })
      .then(() => pass('alice\'s call shows its MOS'))
      .catch(() => log('note: no MOS on alice\'s call yet'));

    // 7. Bob holds his call from the page and resumes it: the engine re-INVITEs his phone
    // (sendonly, then sendrecv), which answers; the page, the wallboard and the API agree.
    const callId = await desk.evaluate(() => document.querySelector('#call').dataset.callId);
    if (!callId) throw new Error('the agent page names no call id for bob\'s call');
    const row = `.call[data-call-id="${callId}"]`;
    await desk.click('#call button.hold');
    await desk.waitForSelector('#call[data-state="held"] button.hold[aria-pressed="true"]', { timeout: 5000 });
    await callShows('the API shows the call on hold', callId, (c) => c.onHold === true);
    await wall.waitForFunction((sel) => document.querySelector(`${sel} .status`)?.textContent === 'On hold', row, { timeout: 5000 });
    await until('bob\'s phone answers the hold re-INVITE with recvonly', () => phoneLogShows(/a=sendonly[\s\S]*SIP\/2\.0 200 OK[\s\S]*?a=recvonly/), 5000);
    pass('bob clicks Hold: his page, the wallboard and the API show the call on hold; his phone answered the sendonly re-INVITE');
    await desk.click('#call button.hold');
    await desk.waitForSelector('#call[data-state="talking"] button.hold[aria-pressed="false"]', { timeout: 5000 });
    const resumed = await callShows('the API shows the call resumed', callId, (c) => c.onHold === false && c.status === 'CONNECTED');
    await wall.waitForFunction((sel) => document.querySelector(`${sel} .status`)?.textContent === 'Talking', row, { timeout: 5000 });
    await until('bob\'s phone answers the resume re-INVITE with sendrecv',
      () => phoneLogShows(/a=recvonly[\s\S]*a=sendrecv[\s\S]*SIP\/2\.0 200 OK[\s\S]*?a=sendrecv/), 5000);
    pass(`bob clicks Resume: the call is connected again, off hold (${resumed.holdSeconds ?? 0} s held so far)`);

    // 8. The support queue records every call: the page offers to pause the recording, the
    // wallboard marks the call REC, grey while paused.
    await desk.waitForSelector('#call .call-recording.on button.recording-toggle', { timeout: 5000 });
    await wall.waitForSelector(`${row} .rec.on`, { timeout: 5000 });
    await desk.click('#call button.recording-toggle');
    await desk.waitForSelector('#call .call-recording.paused', { timeout: 5000 });
    await callShows('the API shows the recording paused', callId, (c) => c.recording && c.recording.paused === true);
    await wall.waitForSelector(`${row} .rec.paused`, { timeout: 5000 });
    pass('bob pauses the recording from his page: the page, the API and the wallboard show it paused');
    await desk.click('#call button.recording-toggle');
    await desk.waitForSelector('#call .call-recording.on', { timeout: 5000 });
    await callShows('the API shows the recording going on', callId, (c) => c.recording && c.recording.paused === false);
    await wall.waitForSelector(`${row} .rec.on`, { timeout: 5000 });
    pass('bob resumes the recording: the page, the API and the wallboard show it recording');

    // 9. The supervisor listens to the call from his phone (through the API): the wallboard
    // shows who monitors it and how; the pictures are taken meanwhile.
    const started = await callApi('POST', `/api/v1/supervisor/calls/${encodeURIComponent(callId)}/monitor`,
      { mode: 'listen', phone: MONITOR_PHONE });
    if (started.status !== 201) throw new Error(`POST monitor answered ${started.status}: ${JSON.stringify(started.body)}`);
    await wall.waitForSelector(`${row} .call-monitor[data-mode="listen"][data-supervisor="wallboard"]`, { timeout: 10000 });
    await callShows('the API shows the monitoring', callId, (c) => c.monitoring && c.monitoring.mode === 'LISTEN');
    pass(`the supervisor listens to bob's call from ${MONITOR_PHONE}: the wallboard marks the call "${await wall.textContent(`${row} .call-monitor`)}", by wallboard`);

    await wall.screenshot({ path: join(SHOTS, 'wallboard.png') });
    await desk.screenshot({ path: join(SHOTS, 'agent-page.png') });
    pass(`screenshots in ${SHOTS}`);

    const stopped = await callApi('DELETE', `/api/v1/supervisor/calls/${encodeURIComponent(callId)}/monitor`);
    if (stopped.status !== 204) throw new Error(`DELETE monitor answered ${stopped.status}: ${JSON.stringify(stopped.body)}`);
    await wall.waitForSelector(`${row} .call-monitor`, { state: 'detached', timeout: 5000 });
    await callShows('the API shows nobody monitoring', callId, (c) => !c.monitoring && c.status === 'CONNECTED');
    pass('the supervisor stops listening: the mark leaves the wallboard, the call goes on');

    // 10. Bob consults erin (available for the moment, her phone registered) from his page while
    // the caller waits on hold, makes it a conference of three, then drops erin: the call is his
    // again, erin free, and offline again for the callback below.
    const setErin = async (presence) => {
      const response = await fetch(`${BASE}/api/v1/agents/${CALLBACK_AGENT_ID}/status`, {
        method: 'PUT', headers: { Authorization: `Bearer ${CALLBACK_AGENT_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ presence }),
      });
      if (response.status !== 200) throw new Error(`PUT erin's status ${presence} answered ${response.status}`);
    };
    await setErin('AVAILABLE');
    await desk.selectOption('#transfer-kind', 'agentId');
    await desk.fill('#transfer-target', CALLBACK_AGENT_ID);
    await desk.click('#consult-go');
    await desk.waitForSelector('#call .call-consult[data-state="TALKING"] button.consult-complete', { timeout: 10000 });
    if (!(await desk.isHidden('#transfer'))) throw new Error('bob\'s page offers the transfer form during a consult');
    await callShows('the API shows the consult talking, the caller on hold', callId,
      (c) => c.consult && c.consult.state === 'TALKING' && c.consult.target === `agent:${CALLBACK_AGENT_ID}` && c.onHold === true);
    pass(`bob clicks Consult with erin: his page shows "${await desk.textContent('#call .consult-label')}" with its steps, the caller is on hold`);
    await desk.click('#call button.consult-conference');
    await desk.waitForSelector('#call .call-consult[data-state="CONFERENCE"]', { timeout: 5000 });
    await callShows('the API shows the conference, the caller off hold', callId,
      (c) => c.consult && c.consult.state === 'CONFERENCE' && c.onHold === false);
    pass('bob clicks Conference: the page and the API show the three of them in conference');
    await desk.click('#call button.consult-cancel');
    await desk.waitForSelector('#call .call-consult', { state: 'detached', timeout: 5000 });
    await desk.waitForSelector('#call[data-state="talking"] button.hold', { timeout: 5000 });
    await callShows('the API shows the call with bob and no consult', callId, (c) => !c.consult && c.agentId === AGENT_ID && c.status === 'CONNECTED');
    await until('erin is free again', async () => {
      const { status, body } = await callApi('GET', `/api/v1/agents/${CALLBACK_AGENT_ID}`);
      return status === 200 && body.activity === 'IDLE' ? true : null;
    }, 5000, 100);
    await setErin('OFFLINE');
    pass('bob clicks "Drop erin": the call is his again, erin is free');

    // 11. Bob transfers a caller: an outside number off the allowlist is refused on the page
    // (he stays signed in, the call stays his), then the sales queue takes the caller.
    await desk.selectOption('#transfer-kind', 'address');
    await desk.fill('#transfer-target', 'sip:+4930123@partner.example.com');
    await desk.click('#transfer-go');
    await desk.waitForFunction(() => document.querySelector('#transfer-error')?.textContent.includes('not allowed'), null, { timeout: 5000 });
    pass('a transfer to an outside number off the allowlist is refused on the agent page, the call stays with bob');
    await desk.selectOption('#transfer-kind', 'queueId');
    await desk.fill('#transfer-target', 'sales');
    await desk.click('#transfer-go');
    // Taken (202): the form clears. Bob may hold both support callers (two calls at once): the
    // call records say which one went, handed over by him, waiting in sales.
    await desk.waitForFunction(() => document.querySelector('#transfer-target').value === ''
      && !document.querySelector('#transfer-error').textContent, null, { timeout: 5000 });
    await until('a call record shows the caller handed over by bob to sales', async () => {
      const response = await fetch(`${BASE}/api/v1/supervisor/calls`, { headers: { Authorization: `Bearer ${SUPERVISOR}` } });
      const calls = response.ok ? await response.json() : [];
      return calls.some((c) => c.queueId === 'sales' && (c.transferredFrom || []).includes(AGENT_ID) && c.transfers === 1);
    }, 5000, 200);
    pass('bob transfers a caller to sales from his page: the record shows it handed over by him');

    // 12. A billing caller asks to be called back (9, then #) while erin is offline, and is hung
    // up: the wallboard shows his call waiting in billing as a callback.
    const callbackCaller = customer('callback-caller', join(SIPP_DIR, 'callback-uac.xml'), 'billing', 1000, 3);
    const callerExit = await exited(callbackCaller, 'the caller asking for a callback', 30000);
    if (callerExit !== 0) throw new Error(`the caller asking for a callback: SIPp exit ${callerExit} (see ${WORK}/callback-caller-errors.log)`);
    const callbackRow = '.call.is-callback[data-queue-id="billing"]';
    await wall.waitForFunction((sel) => {
      const row = document.querySelector(`${sel}[data-status="QUEUED"]`);
      return row && row.querySelector('.status')?.textContent === 'Callback' && row.querySelector('.callback')?.textContent.includes('customer1');
    }, callbackRow, { timeout: 5000 });
    await until('the billing queue shows one caller to call back', () => wall.evaluate(
      () => document.querySelector('.queue[data-queue-id="billing"] [data-field="callbacks"]')?.textContent === '1 to call back'), 5000);
    pass('a billing caller asks to be called back and hangs up: the wallboard shows his call waiting in billing as a callback');

    // 13. Erin sets herself available on her page: the engine rings her phone, then calls the
    // customer's phone through the outbound proxy; her page says it is a callback, and to whom.
    const customerPhone = spawn('sipp', ['-sf', join(SIPP_DIR, 'callback-customer-uas.xml'), '-i', SIP_HOST, '-p', CUSTOMER_PORT,
      '-mp', CUSTOMER_MEDIA, '-m', '1', '-d', '4000', '-timeout', '60s', '-nostdin',
      '-trace_msg', '-message_file', join(WORK, 'customer-phone-messages.log'),
      '-trace_err', '-error_file', join(WORK, 'customer-phone-errors.log')], { cwd: WORK, stdio: 'ignore' });
    children.push(customerPhone);
    const erinContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const erin = await erinContext.newPage();
    erin.on('pageerror', (e) => problems.push(`erin's page: ${e.message}`));
    await signIn(erin, '/agent', CALLBACK_AGENT_TOKEN);
    await erin.waitForSelector('#presence[data-presence="OFFLINE"]', { timeout: 5000 });
    await erin.click('#set-available');
    await erin.waitForFunction(() => {
      const panel = document.querySelector('#call');
      return panel && panel.dataset.callback === 'connected' && panel.querySelector('.call-callback')?.textContent.startsWith('Callback to customer1')
        && panel.querySelector('.call-status')?.textContent.startsWith('Talking') && !panel.querySelector('button.hold');
    }, null, { timeout: 15000 });
    if (!(await erin.isHidden('#transfer'))) throw new Error('erin\'s page offers to transfer a callback, which the engine refuses');
    await wall.waitForFunction((sel) => document.querySelector(`${sel}[data-status="CONNECTED"]`)?.querySelector('.status')?.textContent === 'Talking',
      callbackRow, { timeout: 5000 });
    pass('erin sets Available: her page shows the callback to customer1 connected (no hold, no transfer), the wallboard shows it talking');

    const customerExit = await exited(customerPhone, 'the called-back customer\'s phone', 20000);
    if (customerExit !== 0) throw new Error(`the called-back customer's phone: SIPp exit ${customerExit} (see ${WORK}/customer-phone-errors.log)`);
    const record = await until('the callback\'s record COMPLETED by erin after one attempt', async () => {
      const { status, body } = await callApi('GET', '/api/v1/supervisor/calls?queueId=billing');
      return status === 200 && (body || []).find((c) => c.disposition === 'COMPLETED' && c.agentId === CALLBACK_AGENT_ID
        && c.callbackAttempts === 1 && (c.callbackNumber || '').startsWith('sip:customer1@'));
    }, 10000, 200);
    await erin.waitForSelector('#call[data-state="none"]', { timeout: 10000 });
    pass(`the customer hangs up: the record shows the callback to ${record.callbackNumber} COMPLETED by erin; her page has no call`);

    if (problems.length) throw new Error(`script errors in the pages: ${problems.join('; ')}`);
  } catch (e) {
    for (const [i, ctx] of browser.contexts().entries()) {
      for (const [j, page] of ctx.pages().entries()) {
        await page.screenshot({ path: join(WORK, `failure-${i}-${j}.png`) }).catch(() => {});
      }
    }
    throw e;
  } finally {
    await browser.close();
  }
}

try {
  await main();
  log(`all ${checks} checks passed`);
} catch (e) {
  log(`FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
