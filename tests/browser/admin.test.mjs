// The conduit.integration admin pages in headless Chromium, against the Bitrix test kernel
// served by PHP's built-in server and the mock API (tests/browser/run.sh sets the env).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const BASE = process.env.CONDUIT_BASE_URL;
const SHOTS = process.env.CONDUIT_SCREENSHOTS;
const PHP = process.env.CONDUIT_PHP;
const A = '/bitrix/admin/';
const SECRET = 'tok-SECRET-' + Math.random().toString(36).slice(2);
let browser;

function traffic(mode, ...args) {
  return JSON.parse(execSync(`${PHP} tests/browser/traffic.php ${mode} ${args.join(' ')}`, { encoding: 'utf8', env: process.env }).trim().split('\n').pop());
}

async function session(login, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('dialog', (d) => { page.lastDialog = d.message(); d.accept(); });
  page.problems = problems;
  await page.goto(BASE + A + 'index.php?lang=en');
  await page.fill('input[name=USER_LOGIN]', login);
  await page.fill('input[name=USER_PASSWORD]', password);
  await Promise.all([page.waitForNavigation(), page.click('input[type=submit]')]);
  await page.waitForSelector('#bx-panel-user');
  return page;
}

async function open(page, path) {
  const response = await page.goto(BASE + A + path);
  assert.equal(response.status(), 200, path);
  const html = await page.content();
  assert.doesNotMatch(html, /(Fatal error|Warning|Notice|Deprecated|Uncaught)/, 'PHP diagnostics on ' + path);
  return html;
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function pwned(page) {
  return page.evaluate(() => window.__pwned === undefined ? null : window.__pwned);
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CONDUIT_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  traffic('basic');
  traffic('webhooks', BASE);
});
after(async () => { await browser?.close(); });

test('menu and dashboard for the administrator', async () => {
  const page = await session('admin', 'admin123');
  const html = await open(page, 'conduit_integration_dashboard.php?lang=en');
  for (const item of ['Dashboard', 'Request log', 'Queue', 'Webhook events', 'Settings']) {
    assert.ok(await page.locator('#menu').getByText(item, { exact: true }).count() > 0, 'menu item ' + item);
  }
  assert.match(html, /id="conduit-card-conn-default"/);
  assert.match(html, /id="conduit-chart-rpm"/);
  await shot(page, 'dashboard');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('settings: save a connection, the secret never comes back; scalar settings save', async () => {
  const page = await session('admin', 'admin123');
  await open(page, 'settings.php?mid=conduit.integration&lang=en');
  await shot(page, 'settings-connections');
  await page.fill('input[name=conn_name]', 'erp');
  await page.fill('input[name=conn_base_url]', BASE.replace('127.0.0.1', 'localhost') + '/api');
  await page.selectOption('select[name=conn_auth_type]', 'bearer');
  await page.fill('input[name=conn_auth_secret]', SECRET);
  await page.fill('input[name=conn_timeout]', '7.5');
  await page.fill('textarea[name=conn_headers]', 'X-Shop-Id: 42\nX-Api-Key: key-' + SECRET);
  await Promise.all([page.waitForNavigation(), page.click('input[name=save_connection]')]);
  let html = await page.content();
  assert.match(html, /Connection "erp" was saved/);
  assert.ok(!html.includes(SECRET), 'the secret is not in the page source after saving');
  html = await open(page, 'settings.php?mid=conduit.integration&lang=en&edit_connection=erp&conduit_options_active_tab=conduit_connections');
  assert.ok(!html.includes(SECRET), 'the secret is not in the editor');
  assert.match(html, /id="conduit-secret-set"/, 'the editor says when the secret was set');
  assert.match(html, /X-Api-Key: \[keep\]/);
  assert.equal(await page.inputValue('input[name=conn_timeout]'), '7.5');
  // save again without retyping the secret: it is kept (the probe below authenticates nothing, but the stored value must survive)
  await Promise.all([page.waitForNavigation(), page.click('input[name=save_connection]')]);
  html = await page.content();
  assert.match(html, /Connection "erp" was saved/);
  assert.match(html, /auth\/token set on/);
  // queue tab: a scalar setting; cron line shown in cron mode
  await open(page, 'settings.php?mid=conduit.integration&lang=en&conduit_options_active_tab=conduit_queue');
  await page.click('text=Queue and agents');
  await page.selectOption('select[name=opt_agent_mode]', 'cron');
  await page.fill('input[name=opt_queue_max_attempts]', '6');
  await Promise.all([page.waitForNavigation(), page.locator('input[name=Update]').click()]);
  html = await page.content();
  assert.match(html, /The settings were saved/);
  assert.equal(await page.inputValue('input[name=opt_queue_max_attempts]'), '6');
  assert.match(html, /cron_events\.php/);
  // Enter in a setting saves the settings (the browser alone would press the first
  // connection's Test button and drop the change).
  await page.click('#tab_cont_conduit_queue');
  await page.fill('input[name=opt_queue_max_attempts]', '8');
  await Promise.all([page.waitForNavigation(), page.press('input[name=opt_queue_max_attempts]', 'Enter')]);
  html = await page.content();
  assert.match(html, /The settings were saved/);
  assert.doesNotMatch(html, /id="conduit-probe"/, 'no connection was tested');
  assert.equal(await page.inputValue('input[name=opt_queue_max_attempts]'), '8');
  // Enter in the connection editor saves the connection.
  html = await open(page, 'settings.php?mid=conduit.integration&lang=en&edit_connection=erp&conduit_options_active_tab=conduit_connections');
  await page.fill('input[name=conn_timeout]', '8.5');
  await Promise.all([page.waitForNavigation(), page.press('input[name=conn_timeout]', 'Enter')]);
  html = await page.content();
  assert.match(html, /Connection "erp" was saved/);
  // Each tab shows its own content when clicked (a form named like the tab control once
  // shadowed its JS object in the inline onclick's scope, and no tab switched).
  await page.click('#tab_cont_conduit_queue');
  assert.ok(await page.locator('#conduit_queue').isVisible(), 'queue tab shown');
  await shot(page, 'settings-queue');
  await page.click('#tab_cont_conduit_webhooks');
  assert.ok(await page.locator('#conduit_webhooks').isVisible(), 'webhooks tab shown');
  assert.ok(!(await page.locator('#conduit_queue').isVisible()), 'queue tab hidden');
  assert.match(await page.inputValue('.conduit-webhook-url'), /^https:\/\/shop\.example\.com\/bitrix\/tools\/conduit\.integration\/webhook\.php\?source=erp$/);
  await shot(page, 'settings-webhooks');
  await page.click('#tab_cont_conduit_logging');
  assert.ok(await page.locator('#conduit_logging').isVisible(), 'logging tab shown');
  await shot(page, 'settings-logging');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('test connection: success against the mock, failure against a closed port', async () => {
  const page = await session('admin', 'admin123');
  await open(page, 'settings.php?mid=conduit.integration&lang=en');
  await Promise.all([page.waitForNavigation(), page.click('#conduit-test-default')]);
  assert.equal((await page.textContent('#conduit-probe-status')).trim(), '200');
  assert.match(await page.textContent('#conduit-probe'), /works/);
  await shot(page, 'settings-test-ok');
  await Promise.all([page.waitForNavigation(), page.click('#conduit-test-broken')]);
  assert.match(await page.textContent('#conduit-probe-status'), /no answer/);
  assert.match(await page.textContent('#conduit-probe-meaning'), /Could not connect/);
  await shot(page, 'settings-test-failed');
  await page.context().close();
});

test('request log: filter, sort, open a detail view, CSV', async () => {
  const page = await session('admin', 'admin123');
  await open(page, 'conduit_integration_log.php?lang=en');
  await shot(page, 'log');
  await page.selectOption('#f_status_class', '5xx');
  await Promise.all([page.waitForNavigation(), page.click('#conduit_log_find')]);
  const statuses = await page.locator('#conduit_request_log tbody tr td:nth-child(6)').allTextContents();
  assert.ok(statuses.length >= 2, 'some 5xx rows');
  for (const s of statuses) assert.match(s.trim(), /^5\d\d$/);
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=stock');
  assert.equal(await page.locator('#conduit_request_log tbody tr').count(), 1);
  assert.match(await page.textContent('#conduit-endpoint-note'), /1 endpoint\(s\) contain "stock" \(letter case is ignored\): \/stock\/7/);
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=STOCK');
  assert.equal(await page.locator('#conduit_request_log tbody tr').count(), 1, 'letter case is ignored, as before');
  await shot(page, 'log-endpoint-filter');
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=nowhere-at-all');
  assert.match(await page.textContent('#conduit-found'), /Found: 0/);
  assert.match(await page.textContent('#conduit-endpoint-note'), /No endpoint the log has seen contains "nowhere-at-all"/);
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&set_filter=Y&f_status_class=error');
  assert.match(await page.textContent('#conduit_request_log tbody'), /no answer/);
  // sorting by duration (ascending) orders the column
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&by=DURATION_MS&order=asc');
  const durations = (await page.locator('#conduit_request_log tbody tr td:nth-child(7)').allTextContents()).map((t) => parseFloat(t.replace(/\s/g, '')));
  assert.deepEqual(durations, [...durations].sort((a, b) => a - b));
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&by=ID&order=desc');
  // detail view of the delivery that got 503
  await page.goto(BASE + A + 'conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=/orders/fail');
  await Promise.all([page.waitForNavigation(), page.locator('#conduit_request_log tbody tr td:nth-child(2) a').first().click()]);
  const detail = await page.textContent('#conduit-log-detail');
  assert.match(detail, /503/);
  assert.match(detail, /#\d+/, 'links to its job');
  assert.match(await page.textContent('#conduit-request_body'), /"order": 78/, 'JSON body pretty-printed');
  await shot(page, 'log-detail');
  const csv = await page.request.get(BASE + A + 'conduit_integration_log.php?lang=en&f_status_class=4xx&export=csv');
  assert.equal(csv.status(), 200);
  const text = await csv.text();
  assert.match(text, /^\uFEFFID,TIME,METHOD/);
  assert.match(text, /\/orders\/404/);
  assert.doesNotMatch(text, /\/orders\/sync/, 'only the filtered rows');
  await page.context().close();
});

test('queue: retry, delete, retry all failed of a type with a confirmation that says how many', async () => {
  const page = await session('admin', 'admin123');
  await open(page, 'conduit_integration_queue.php?lang=en');
  await shot(page, 'queue');
  // retry the failed delivery from its job view
  await page.goto(BASE + A + 'conduit_integration_queue.php?lang=en&set_filter=Y&f_type=conduit.http&f_status=failed');
  await Promise.all([page.waitForNavigation(), page.locator('#conduit_queue tbody tr td:nth-child(3) a').first().click()]);
  assert.equal((await page.textContent('#conduit-job-status')).trim(), 'failed');
  assert.match(await page.textContent('#conduit-job-requests'), /503/, 'its request-log rows');
  await shot(page, 'queue-job');
  await Promise.all([page.waitForNavigation(), page.click('#conduit-job-retry')]);
  assert.match(await page.content(), /put back into the queue/);
  assert.equal((await page.textContent('#conduit-job-status')).trim(), 'waiting');
  // delete it (confirm dialog accepted)
  const jobUrl = page.url();
  await Promise.all([page.waitForNavigation(), page.click('#conduit-job-delete')]);
  assert.match(page.lastDialog, /Delete job #\d+/);
  assert.match(await page.content(), /1 job\(s\) deleted/);
  await page.goto(jobUrl);
  assert.match(await page.content(), /does not exist/);
  // retry all failed of type order.export: the confirmation names the count
  await page.goto(BASE + A + 'conduit_integration_queue.php?lang=en');
  const failed = Number((await page.locator('#conduit-queue-types tr', { hasText: 'order.export' }).locator('td').nth(4).textContent()).trim());
  assert.ok(failed >= 2);
  await Promise.all([page.waitForNavigation(), page.locator('.conduit-retry-type[data-type="order.export"]').click()]);
  assert.match(page.lastDialog, new RegExp(`Retry all ${failed} failed jobs of type "order.export"`));
  assert.match(await page.content(), new RegExp(`${failed} failed job\\(s\\) of type "order.export" put back`));
  // checked rows: delete two waiting order.export jobs at once
  await page.goto(BASE + A + 'conduit_integration_queue.php?lang=en&set_filter=Y&f_type=order.export&f_status=pending');
  const boxes = page.locator('#conduit_queue input[name="ID[]"]');
  assert.ok(await boxes.count() >= 2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.selectOption('#conduit_queue_action', 'delete');
  await Promise.all([page.waitForNavigation(), page.click('input[name=apply_group]')]);
  assert.match(page.lastDialog, /Delete 2 checked job/);
  assert.match(await page.content(), /2 job\(s\) deleted/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('without JavaScript: group actions post as a plain form; errors show in the page language', async () => {
  const ids = traffic('russian');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(BASE + A + 'index.php?lang=en');
  await page.fill('input[name=USER_LOGIN]', 'admin');
  await page.fill('input[name=USER_PASSWORD]', 'admin123');
  await Promise.all([page.waitForNavigation(), page.click('input[type=submit]')]);
  // the error a Russian agent stored: English on the English page, the stored words one click away
  await open(page, `conduit_integration_queue.php?lang=en&id=${ids.ru_job}`);
  assert.match(await page.textContent('#conduit-job-error'), /^no handler for type "order\.export": no module or init\.php registered one/);
  assert.doesNotMatch(await page.textContent('#conduit-job-error'), /обработчик/);
  assert.match(await page.textContent('#conduit-job-error-original'), /нет обработчика/);
  await page.click('#conduit-job-error-original summary');
  await shot(page, 'queue-job-error-language');
  // the list shows it in English too
  await open(page, 'conduit_integration_queue.php?lang=en&set_filter=Y&f_type=order.export&f_status=failed');
  assert.doesNotMatch(await page.textContent('#conduit_queue tbody'), /обработчик/);
  // retry two checked failed jobs: select + Apply, no script involved
  const row = (id) => page.locator(`#conduit_queue input[name="ID[]"][value="${id}"]`);
  await row(ids.ru_job).check();
  await row(ids.ru_job2).check();
  await page.selectOption('#conduit_queue_action', 'retry');
  await Promise.all([page.waitForNavigation(), page.click('input[name=apply_group]')]);
  assert.match(await page.textContent('body'), /2 failed job\(s\) put back into the queue|2 job\(s\) put back/);
  // delete two checked waiting jobs: the page asks first (a form, since no confirm() can run)
  await open(page, 'conduit_integration_queue.php?lang=en&set_filter=Y&f_type=report.nightly&f_status=pending');
  await row(ids.waiting[0]).check();
  await row(ids.waiting[1]).check();
  await page.selectOption('#conduit_queue_action', 'delete');
  await Promise.all([page.waitForNavigation(), page.click('input[name=apply_group]')]);
  assert.match(await page.textContent('#conduit-confirm-delete'), /Delete 2 checked job\(s\)\?/);
  assert.match(await page.textContent('#conduit-confirm-delete'), new RegExp(`#${ids.waiting[0]}`));
  await shot(page, 'queue-confirm-delete');
  for (const id of ids.waiting) {
    assert.doesNotMatch(await (await page.request.get(BASE + A + `conduit_integration_queue.php?lang=en&id=${id}`)).text(), /does not exist/, 'not deleted before the confirmation');
  }
  await Promise.all([page.waitForNavigation(), page.click('#conduit-confirm-delete-yes')]);
  assert.match(await page.textContent('body'), /2 job\(s\) deleted/);
  for (const id of ids.waiting) {
    await open(page, `conduit_integration_queue.php?lang=en&id=${id}`);
    assert.match(await page.content(), /does not exist/);
  }
  // Apply with no action chosen says what to do instead of doing nothing
  await open(page, 'conduit_integration_queue.php?lang=en&set_filter=Y&f_type=order.export');
  await page.locator('#conduit_queue input[name="ID[]"]').first().check();
  await Promise.all([page.waitForNavigation(), page.click('input[name=apply_group]')]);
  assert.match(await page.textContent('body'), /Choose an action for the checked jobs/);
  // the error-text search says which jobs it searched and offers the older ones
  await open(page, 'conduit_integration_queue.php?lang=en&set_filter=Y&f_error=no%20handler');
  assert.match(await page.textContent('#conduit-error-window'), /searched exactly .* in steps of 25 000 jobs/);
  assert.ok(await page.locator('#conduit_queue tbody tr').count() >= 1);
  await open(page, 'conduit_integration_queue.php?lang=en&set_filter=Y&f_error=NO%20HANDLER');
  assert.match(await page.textContent('#conduit-found'), /Found: 0/, 'letter case counts in the error search');
  await context.close();
});

test('manual sync: Run now shows progress until the job ends', async () => {
  const page = await session('admin', 'admin123');
  await open(page, 'conduit_integration_dashboard.php?lang=en');
  await Promise.all([page.waitForURL(/job=\d+/), page.click('button[data-type="catalog.import"]')]);
  await page.waitForSelector('#conduit-progress');
  const first = await page.textContent('#conduit-progress-status');
  assert.match(first, /waiting|running|finished/);
  await page.waitForSelector('#conduit-progress[data-final]', { timeout: 30000 });
  assert.equal(await page.getAttribute('#conduit-progress', 'data-final'), 'done');
  assert.match(await page.textContent('#conduit-progress-detail'), /imported/);
  await page.locator('#conduit-progress').scrollIntoViewIfNeeded();
  await shot(page, 'dashboard-manual-sync');
  await page.context().close();
});

test('charts change after traffic', async () => {
  const page = await session('admin', 'admin123');
  await open(page, 'conduit_integration_dashboard.php?lang=en&range=1h');
  const before = Number(await page.getAttribute('#conduit-chart-rpm', 'data-sum'));
  const errorsBefore = await page.textContent('#conduit-totals');
  traffic('more');
  await open(page, 'conduit_integration_dashboard.php?lang=en&range=1h');
  const afterSum = Number(await page.getAttribute('#conduit-chart-rpm', 'data-sum'));
  assert.ok(afterSum >= before + 31, `requests per minute grew (${before} → ${afterSum})`);
  assert.notEqual(await page.textContent('#conduit-totals'), errorsBefore);
  assert.match(await page.textContent('#conduit-by-endpoint'), /\/catalog\/items/);
  await page.locator('#conduit-chart-rpm').scrollIntoViewIfNeeded();
  await shot(page, 'dashboard-charts');
  await open(page, 'conduit_integration_dashboard.php?lang=en&range=7d');
  await open(page, 'conduit_integration_dashboard.php?lang=en&range=24h');
  await page.context().close();
});

test('webhook events: accepted, duplicate, rejected with its reason, the job link', async () => {
  const page = await session('admin', 'admin123');
  const html = await open(page, 'conduit_integration_webhooks.php?lang=en');
  assert.match(html, /bad_signature/);
  assert.match(html, /unknown_source/);
  assert.match(html, /duplicate/);
  assert.ok(await page.locator('#conduit_webhook_events a[href*="conduit_integration_queue.php"]').count() >= 1);
  await shot(page, 'webhooks');
  await page.goto(BASE + A + 'conduit_integration_webhooks.php?lang=en&f_verdict=rejected');
  assert.equal(await page.locator('#conduit_webhook_events tbody tr').count(), 2);
  await page.context().close();
});

test('read-only user: sees the pages, no actions, and actions posted anyway are refused', async () => {
  const page = await session('viewer', 'viewer123');
  let html = await open(page, 'conduit_integration_queue.php?lang=en');
  assert.doesNotMatch(html, /conduit-retry-type|name="apply_group"|conduitRowAction\(\d/);
  const sessid = await page.inputValue('input[name=sessid]');
  const failedBefore = (await page.textContent('#conduit-count-failed')).replace(/\D/g, '');
  const jobId = traffic('basic').no_handler;
  const r = await page.request.post(BASE + A + 'conduit_integration_queue.php?lang=en', { form: { sessid, conduit_action: 'delete', 'ID[]': String(jobId) } });
  assert.match(await r.text(), /read-only: nothing was changed/);
  html = await open(page, `conduit_integration_queue.php?lang=en&id=${jobId}`);
  assert.doesNotMatch(html, /does not exist/, 'the job is still there');
  assert.doesNotMatch(html, /id="conduit-job-(retry|delete|run)"/);
  await shot(page, 'queue-read-only');
  html = await open(page, 'settings.php?mid=conduit.integration&lang=en');
  assert.doesNotMatch(html, /name="save_connection"|name="test_connection"|name="Update"/);
  const r2 = await page.request.post(BASE + A + 'settings.php?mid=conduit.integration&lang=en', { form: { sessid, test_connection: 'default' } });
  assert.doesNotMatch(await r2.text(), /id="conduit-probe"/, 'R may not send test requests');
  html = await open(page, 'conduit_integration_dashboard.php?lang=en');
  assert.match(html, /data-type="catalog.import" disabled/);
  const r3 = await page.request.post(BASE + A + 'conduit_integration_dashboard.php?lang=en', { form: { sessid, run_manual: 'catalog.import' } });
  assert.match(await r3.text(), /read-only/);
  await open(page, 'conduit_integration_log.php?lang=en');
  await page.context().close();
  assert.ok(failedBefore.length > 0);
});

test('no right (D) and no login: the login form', async () => {
  const page = await session('nobody', 'nobody123');
  for (const p of ['log', 'queue', 'webhooks', 'dashboard']) {
    await page.goto(BASE + A + `conduit_integration_${p}.php?lang=en`);
    assert.ok(await page.locator('form[name=form_auth]').count() === 1, p + ': the login form');
  }
  await page.context().close();
  const anon = await (await browser.newContext()).newPage();
  await anon.goto(BASE + A + 'conduit_integration_log.php?lang=en');
  assert.equal(await anon.locator('form[name=form_auth]').count(), 1);
  await anon.context().close();
});

test('sessid: an action without a valid sessid changes nothing', async () => {
  const page = await session('admin', 'admin123');
  const jobId = traffic('basic').no_handler;
  const r = await page.request.post(BASE + A + 'conduit_integration_queue.php?lang=en', { form: { sessid: 'bad', conduit_action: 'delete', 'ID[]': String(jobId) } });
  assert.match(await r.text(), /session expired/);
  const g = await page.request.get(BASE + A + `conduit_integration_queue.php?lang=en&conduit_action=delete&ID[]=${jobId}&sessid=` + await (async () => { await page.goto(BASE + A + 'conduit_integration_queue.php?lang=en'); return page.inputValue('input[name=sessid]'); })());
  assert.equal(g.status(), 200);
  await page.goto(BASE + A + `conduit_integration_queue.php?lang=en&id=${jobId}`);
  assert.doesNotMatch(await page.content(), /does not exist/, 'a GET never deletes');
  await page.context().close();
});

test('hostile filter values and payloads render inert', async () => {
  const page = await session('admin', 'admin123');
  const ids = traffic('hostile');
  const evil = ['<script>window.__pwned=1</script>', '"><img src=x onerror=window.__pwned=2>', "' OR 1=1 -- ", "x'; DROP TABLE b_conduit_jobs; --", '%FF%FE', 'A'.repeat(300)];
  for (const value of evil) {
    for (const [p, field] of [['log', 'f_endpoint'], ['log', 'f_correlation'], ['log', 'f_job'], ['log', 'f_from'], ['log', 'f_status_class'], ['queue', 'f_type'], ['queue', 'f_error'], ['queue', 'f_dedupe'], ['webhooks', 'f_event']]) {
      const q = value.startsWith('%') ? value : encodeURIComponent(value);
      const r = await page.goto(`${BASE}${A}conduit_integration_${p}.php?lang=en&set_filter=Y&${field}=${q}`);
      assert.equal(r.status(), 200, `${p} ${field}=${value.slice(0, 20)}`);
      const html = await page.content();
      assert.doesNotMatch(html, /(Fatal error|Warning|SQL|syntax)/i, `${p} ${field}`);
      assert.equal(await pwned(page), null, `${p} ${field} executed script`);
    }
  }
  // 1 MB values: as a query string the web server itself may refuse it (PHP's built-in server drops it,
  // nginx answers 414) — either way nothing breaks; 60 KB reaches the page and is refused as too long;
  // 1 MB in a POST reaches the action and is refused as an unknown type.
  const big = 'B'.repeat(1024 * 1024);
  let bigStatus = 'dropped';
  try { bigStatus = (await page.request.get(`${BASE}${A}conduit_integration_log.php?lang=en&f_endpoint=${big}`, { timeout: 10000 })).status(); } catch { /* connection dropped by the server */ }
  assert.ok(['dropped', 200, 400, 413, 414, 431].includes(bigStatus), 'a 1 MB query string: ' + bigStatus);
  const mid = await page.request.get(`${BASE}${A}conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=${'C'.repeat(60000)}`);
  assert.equal(mid.status(), 200);
  assert.ok((await mid.text()).includes('longer than 200 characters'), 'a 60 KB filter value is refused with a message');
  await page.goto(BASE + A + 'conduit_integration_queue.php?lang=en');
  const sessid = await page.inputValue('input[name=sessid]');
  const post = await page.request.post(BASE + A + 'conduit_integration_queue.php?lang=en', { form: { sessid, conduit_action: 'retry_type', type: big } });
  assert.equal(post.status(), 200);
  assert.ok((await post.text()).includes('Unknown job type'), 'a 1 MB posted type is refused');
  // the hostile job: payload shown as text; the 1 MB payload does not break the page
  await open(page, `conduit_integration_queue.php?lang=en&id=${ids.hostile_job}`);
  assert.equal(await pwned(page), null);
  assert.match(await page.textContent('#conduit-job-payload'), /<script>window.__pwned=1<\/script>/);
  await shot(page, 'queue-job-hostile');
  // the hostile log row: endpoint, headers and bodies as text
  await page.goto(`${BASE}${A}conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=evil`);
  assert.equal(await pwned(page), null);
  await Promise.all([page.waitForNavigation(), page.locator('#conduit_request_log tbody tr td:nth-child(2) a').first().click()]);
  assert.equal(await pwned(page), null);
  assert.match(await page.textContent('#conduit-response_body'), /<script>window.__pwned=3<\/script>/);
  assert.match(await page.textContent('#conduit-log-detail'), /\/evil\/<script>alert\(1\)<\/script>/);
  await shot(page, 'log-detail-hostile');
  // the tables are intact
  await open(page, 'conduit_integration_queue.php?lang=en');
  assert.ok(Number((await page.textContent('#conduit-count-failed')).replace(/\D/g, '')) >= 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
